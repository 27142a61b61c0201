import type { NativeDependency, NativeDependencyItem } from '../engines/engine';
import { DependencyItem, JobSpec, JobState, Reason, isTerminal } from '../domain/job';
import type { DependencyView } from './jobs.repository';

/**
 * Decides whether a job waiting in the gateway may go to its engine: hold, --begin and
 * --dependency, with Slurm's semantics (sbatch(1) "-d"). Pure; the gate service feeds it.
 *
 * On an engine that enforces dependencies itself (Slurm), a dependency on a job of the SAME engine is
 * passed to it ("native") as soon as that job has its engine ref, so the dependent waits in the engine
 * rather than here. What the gateway already knows the outcome of (the job ended here) is decided here:
 * the engine may have forgotten a job that ended long ago. Singleton, other engines, jobs not yet in
 * the engine, hold and begin time stay with the gateway.
 */

export type GateDecision =
  | { kind: 'eligible' }
  | { kind: 'wait'; reason: string }
  /** A dependency can never be satisfied (Slurm keeps such a job pending with this reason). */
  | { kind: 'never'; reason: string };

/** `native`: not decided yet, but the engine can be told to wait for it. */
type Outcome = 'satisfied' | 'waiting' | 'never' | 'native';

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
  const has = (o: Outcome) => outcomes.includes(o);
  if (mode === 'all') return has('never') ? 'never' : has('waiting') ? 'waiting' : has('native') ? 'native' : 'satisfied';
  if (has('satisfied')) return 'satisfied';
  if (outcomes.every((o) => o === 'never')) return 'never';
  return has('waiting') ? 'waiting' : 'native';
}

/** One job (or array task) an item names, as the gateway sees it; `nativeEngine` is the dependent's engine when it enforces dependencies. */
function target(item: DependencyItem, view: DependencyView | undefined, arrayTaskId: number | null | undefined, now: Date, nativeEngine: string | null): Outcome {
  const observed = view ? observe(view, arrayTaskId) : null;
  if (!view || !observed) return 'never';
  const here = combine(
    observed.map((o) => one(item.type, o, item.delayMinutes, now)),
    'all',
  );
  if (here !== 'waiting' || nativeEngine === null || view.engine !== nativeEngine) return here;
  return view.engineRef ? 'native' : 'waiting';
}

export function evaluateDependencies(spec: JobSpec, deps: Map<number, DependencyView>, singletonBlocked: boolean, now: Date, nativeEngine: string | null = null): Outcome {
  if (!spec.dependency || spec.dependency.items.length === 0) return 'satisfied';
  const items = spec.dependency.items.map((item): Outcome => {
    if (item.type === 'singleton') return singletonBlocked ? 'waiting' : 'satisfied';
    return combine(
      item.jobIds.map((id, i) => target(item, deps.get(id), item.arrayTaskIds?.[i], now, nativeEngine)),
      'all',
    );
  });
  return combine(items, spec.dependency.mode);
}

/**
 * What the engine must wait for when a job released by the gate is submitted: every named job of the
 * same engine with a ref whose outcome the gateway has not seen satisfied. A dependency seen unsatisfiable
 * since the gate released the job goes to the engine too, which then keeps the job pending with
 * DependencyNeverSatisfied, as the gateway would. null when nothing is left to wait for.
 */
export function nativeDependency(spec: JobSpec, deps: Map<number, DependencyView>, now: Date, engine: string): NativeDependency | null {
  if (!spec.dependency || evaluateDependencies(spec, deps, false, now) === 'satisfied') return null;
  const items: NativeDependencyItem[] = [];
  for (const item of spec.dependency.items) {
    // Only the types GATED_DEPENDENCY_TYPES admits reach here; singleton stays the gateway's.
    if (item.type === 'singleton') continue;
    const targets = item.jobIds.flatMap((id, i) => {
      const view = deps.get(id);
      const index = item.arrayTaskIds?.[i] ?? null;
      if (!view?.engineRef || view.engine !== engine || target(item, view, index, now, null) === 'satisfied') return [];
      return [{ ref: view.engineRef, arrayIndex: index }];
    });
    if (targets.length) items.push({ type: item.type as NativeDependencyItem['type'], targets, delayMinutes: item.delayMinutes });
  }
  return items.length ? { mode: spec.dependency.mode, items } : null;
}

export function decideGate(
  job: { state: JobState; spec: JobSpec },
  deps: Map<number, DependencyView>,
  singletonBlocked: boolean,
  now: Date,
  nativeEngine: string | null = null,
): GateDecision {
  if (job.state === 'HELD') return { kind: 'wait', reason: Reason.JobHeldUser };
  const dependency = evaluateDependencies(job.spec, deps, singletonBlocked, now, nativeEngine);
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
