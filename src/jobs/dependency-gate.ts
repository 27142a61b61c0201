import { DependencyItem, JobSpec, JobState, Reason, isTerminal } from './job-spec';
import type { DependencyView } from './jobs.repository';

/**
 * Decides whether a job waiting in the gateway may go to its engine: hold, --begin and
 * --dependency, with Slurm's semantics (sbatch(1) "-d"). Pure; the gate service feeds it.
 */

export type GateDecision =
  | { kind: 'eligible' }
  | { kind: 'wait'; reason: string }
  /** A dependency can never be satisfied (Slurm keeps such a job pending with this reason). */
  | { kind: 'never'; reason: string };

type Outcome = 'satisfied' | 'waiting' | 'never';

/** The dependency types the gate decides; submissions naming others are refused. */
export const GATED_DEPENDENCY_TYPES: ReadonlySet<DependencyItem['type']> = new Set(['after', 'afterany', 'afterok', 'afternotok', 'singleton']);
type Observed = { state: JobState; startTime: Date | null; exitCode: number | null };

function observe(view: DependencyView, arrayTaskId: number | null | undefined): Observed[] | null {
  if (arrayTaskId === null || arrayTaskId === undefined) return view.tasks.length ? view.tasks : [view];
  const task = view.tasks.find((t) => t.index === arrayTaskId);
  return task ? [task] : null;
}

function one(type: DependencyItem['type'], o: Observed, delayMinutes: number | null, now: Date): Outcome {
  switch (type) {
    case 'after': {
      // "after the specified jobs start or are cancelled" (+delay minutes after the start).
      if (o.state === 'CANCELLED') return 'satisfied';
      if (!o.startTime) return isTerminal(o.state) ? 'satisfied' : 'waiting';
      return now.getTime() >= o.startTime.getTime() + (delayMinutes ?? 0) * 60_000 ? 'satisfied' : 'waiting';
    }
    case 'afterany':
      return isTerminal(o.state) ? 'satisfied' : 'waiting';
    case 'afterok':
      if (!isTerminal(o.state)) return 'waiting';
      return o.state === 'COMPLETED' && (o.exitCode ?? 0) === 0 ? 'satisfied' : 'never';
    case 'afternotok':
      if (!isTerminal(o.state)) return 'waiting';
      return o.state === 'COMPLETED' && (o.exitCode ?? 0) === 0 ? 'never' : 'satisfied';
    default:
      return 'never';
  }
}

function combine(outcomes: Outcome[], mode: 'all' | 'any'): Outcome {
  if (mode === 'all') return outcomes.includes('never') ? 'never' : outcomes.every((o) => o === 'satisfied') ? 'satisfied' : 'waiting';
  return outcomes.includes('satisfied') ? 'satisfied' : outcomes.every((o) => o === 'never') ? 'never' : 'waiting';
}

export function evaluateDependencies(spec: JobSpec, deps: Map<number, DependencyView>, singletonBlocked: boolean, now: Date): Outcome {
  if (!spec.dependency || spec.dependency.items.length === 0) return 'satisfied';
  const items = spec.dependency.items.map((item): Outcome => {
    if (item.type === 'singleton') return singletonBlocked ? 'waiting' : 'satisfied';
    const perJob = item.jobIds.map((id, i): Outcome => {
      const view = deps.get(id);
      const observed = view ? observe(view, item.arrayTaskIds?.[i]) : null;
      if (!observed) return 'never';
      return combine(
        observed.map((o) => one(item.type, o, item.delayMinutes, now)),
        'all',
      );
    });
    return combine(perJob, 'all');
  });
  return combine(items, spec.dependency.mode);
}

export function decideGate(
  job: { state: JobState; spec: JobSpec },
  deps: Map<number, DependencyView>,
  singletonBlocked: boolean,
  now: Date,
): GateDecision {
  if (job.state === 'HELD') return { kind: 'wait', reason: Reason.JobHeldUser };
  const dependency = evaluateDependencies(job.spec, deps, singletonBlocked, now);
  if (dependency === 'never') return { kind: 'never', reason: Reason.DependencyNeverSatisfied };
  if (dependency === 'waiting') return { kind: 'wait', reason: Reason.Dependency };
  if (job.spec.begin && new Date(job.spec.begin).getTime() > now.getTime()) return { kind: 'wait', reason: Reason.BeginTime };
  return { kind: 'eligible' };
}

/** Every job id a spec depends on. */
export function dependencyIds(spec: JobSpec): number[] {
  return [...new Set((spec.dependency?.items ?? []).flatMap((i) => i.jobIds))];
}

/** True when the job has anything the gateway must wait for before handing it to an engine. */
export function needsGate(spec: JobSpec): boolean {
  return spec.hold || !!spec.begin || (spec.dependency?.items.length ?? 0) > 0;
}
