import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { TaskUpdate } from '../engines/engine';
import { type JobSpec, type JobState, Reason, isTerminal } from '../domain/job';
import type { QueuedRequest } from '../limits/limits.service';
import { type GateDecision, needsGate } from './dependency-gate';
import { aggregateTaskStates, planJobChange } from './job-transitions';
import { type JobUpdatedMessage, JobUpdatesPubSub } from './job-updates.pubsub';
import { type AttemptCheck, type JobChange, type JobRow, JobsRepository, type NewJob } from './jobs.repository';
import { SubmissionBatcher } from './submission-batcher';

/** Reasons a job keeps from its wait in the gateway that mean nothing once its engine has it. */
const GATEWAY_REASONS = new Set<string>([Reason.EngineUnavailable, Reason.QuotaExceeded, Reason.QueuedInGateway]);
const MAX_REASON = 500;

/** What `accept` needs of a validated, placed submission: everything but the state, which accept decides. */
export type Accepted = Omit<NewJob, 'state' | 'reason' | 'submitStatus' | 'eligibleTime' | 'spec'> & { spec: JobSpec };

/**
 * THE place where a job's state changes (issue 14). Each named transition writes the job, its tasks and
 * its event rows in one transaction (JobsRepository is the only writer of those tables) and then tells
 * subscribers once. Services decide WHEN a transition happens (the gate, the dispatcher, the status
 * sync, a user's scancel); this class decides WHAT it does to the job:
 *
 *   accept ─▶ WAITING (held / dependency / begin time) ─ release, gate ─▶ READY ─ beginAttempt ─▶
 *   engineAccepted ─▶ SUBMITTED ─ observe ─▶ RUNNING … COMPLETED/FAILED/…
 *   engineRefused ─▶ FAILED · engineUnavailable ─▶ stays READY with a reason · cancel at any point.
 */
@Injectable()
export class JobLifecycle {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly batcher: SubmissionBatcher,
    private readonly updates: JobUpdatesPubSub,
    @InjectPinoLogger(JobLifecycle.name) private readonly log: PinoLogger,
  ) {}

  /**
   * A validated submission becomes a job: HELD (`--hold`), PENDING and WAITING in the gateway (dependency,
   * begin time), or PENDING and READY for its engine. `queued` (maxQueued) is checked in the insert's
   * transaction; the job is enqueued and subscribers told after the commit (SubmissionBatcher).
   */
  accept(a: Accepted, queued: QueuedRequest | null): Promise<number> {
    const gated = needsGate(a.spec);
    const job: NewJob = {
      ...a,
      // Every job carries a key: the client's, or one drawn here, so the store may retry a write whose
      // connection was lost without storing the job twice (SubmissionBatcher).
      idempotencyKey: a.idempotencyKey ?? randomUUID(),
      spec: a.spec as object,
      state: a.spec.hold ? 'HELD' : 'PENDING',
      reason: a.spec.hold ? Reason.JobHeldUser : gated ? (a.spec.dependency ? Reason.Dependency : Reason.BeginTime) : Reason.QueuedInGateway,
      submitStatus: gated ? 'WAITING' : 'READY',
      eligibleTime: gated ? null : new Date(),
    };
    return this.batcher.store(job, queued);
  }

  /**
   * The dispatcher is about to hand the job to its engine: the attempt is counted first (a later attempt
   * reconciles with the engine before submitting again). `check` (per-user running caps) runs in the same
   * transaction under its own locks and may send the job back to wait in the gateway with a reason.
   * Null when the job is no longer READY (cancelled or held meanwhile).
   */
  async beginAttempt(job: JobRow, check: AttemptCheck | null): Promise<{ attempt: number } | { waitReason: string } | null> {
    const outcome = await this.jobs.beginSubmitAttempt(job.id, check);
    if (outcome && 'waitReason' in outcome) {
      this.log.info({ jobId: job.id, reason: outcome.waitReason }, 'job held by a per-user limit');
      await this.publish(job);
    }
    return outcome;
  }

  /** The engine holds the job (`ref`). False when the job changed meanwhile: the caller must take it back from the engine. */
  async engineAccepted(job: JobRow, ref: string): Promise<boolean> {
    const reason = job.reason && GATEWAY_REASONS.has(job.reason) ? Reason.Priority : job.reason;
    const recorded = await this.jobs.apply({ jobId: job.id, expectSubmitStatus: ['READY'], job: { submitStatus: 'SUBMITTED', engineRef: ref, reason, unavailableSince: null } });
    if (recorded) await this.publish(job);
    return recorded;
  }

  /** The engine accepted a job that was cancelled meanwhile and has been told to drop it: keep its id for the record. */
  async engineAcceptedAfterCancel(job: JobRow, ref: string): Promise<void> {
    await this.jobs.apply({ jobId: job.id, job: { engineRef: ref } });
  }

  /** A refusal no retry can change (the engine's words, or the gateway's: a partition no longer configured): FAILED. */
  async engineRefused(job: JobRow, why: string): Promise<void> {
    const reason = why.slice(0, MAX_REASON);
    const endTime = new Date();
    await this.jobs.apply({
      jobId: job.id,
      expectSubmitStatus: ['READY'],
      job: { state: 'FAILED', reason, submitStatus: 'NONE', endTime },
      tasks: job.tasks.filter((t) => !isTerminal(t.state)).map((t) => ({ index: t.index, data: { state: 'FAILED', reason, endTime } })),
      events: [{ arrayIndex: null, fromState: job.state, toState: 'FAILED', reason, actor: 'system:dispatch' }],
    });
    await this.publish(job);
  }

  /** Something done to the job that changes nothing of its state (a variable its engine could not pass on): an event from and to its state. */
  async note(job: JobRow, text: string, actor: string): Promise<void> {
    await this.jobs.apply({ jobId: job.id, events: [{ arrayIndex: null, fromState: job.state, toState: job.state, reason: text.slice(0, MAX_REASON), actor }] });
    await this.publish(job);
  }

  /**
   * The engine could not be reached (or is over a quota): the job stays READY and says why while the queue
   * retries; the first failure of its placement is kept (a job with other partitions moves on after a while).
   */
  async engineUnavailable(job: JobRow, reason: string, now: Date): Promise<void> {
    await this.jobs.apply({ jobId: job.id, expectSubmitStatus: ['READY'], job: { reason, unavailableSince: job.unavailableSince ?? now } });
  }

  /**
   * The job of several partitions goes to `to` (issue 17): chosen by the router at its first dispatch, or moved
   * on because its engine refused it or stayed unreachable. `left`: the engine it leaves when an attempt there
   * may have reached it (kept until that engine has been asked, so the job never runs twice). False when the
   * job is no longer READY.
   */
  async place(job: JobRow, to: { partition: string; engine: string; timeLimitMinutes: number | null }, why: string, left: string | null, now: Date): Promise<boolean> {
    const leftEngines = left && !job.leftEngines.includes(left) ? [...job.leftEngines, left] : job.leftEngines;
    const ok = await this.jobs.apply({
      jobId: job.id,
      expectSubmitStatus: ['READY'],
      job: { ...to, placedAt: now, unavailableSince: null, leftEngines, reason: Reason.QueuedInGateway },
      events: [{ arrayIndex: null, fromState: job.state, toState: job.state, reason: why.slice(0, MAX_REASON), actor: 'system:router' }],
    });
    if (ok) await this.publish(job);
    return ok;
  }

  /** An engine the job left has been asked for a copy of it (and any copy cancelled): nothing more to fear from it. */
  async leftEngineChecked(job: JobRow, engine: string, note: string | null): Promise<void> {
    await this.jobs.apply({
      jobId: job.id,
      job: { leftEngines: job.leftEngines.filter((e) => e !== engine) },
      events: note ? [{ arrayIndex: null, fromState: job.state, toState: job.state, reason: note.slice(0, MAX_REASON), actor: 'system:router' }] : [],
    });
  }

  /**
   * One status pass of an engine: what it reported for its live jobs becomes their changes, written in ONE
   * transaction (a pass is all or nothing), then told once. Returns what changed.
   */
  async observe(engine: string, live: JobRow[], updates: TaskUpdate[]): Promise<JobChange[]> {
    const byJob = new Map<number, TaskUpdate[]>();
    for (const u of updates) {
      const list = byJob.get(u.jobId);
      if (list) list.push(u);
      else byJob.set(u.jobId, [u]);
    }
    const changes: JobChange[] = [];
    const owners = new Map<number, number>();
    for (const job of live) {
      const change = planJobChange(job, byJob.get(job.id) ?? [], `engine:${engine}`);
      if (!change) continue;
      changes.push(change);
      owners.set(job.id, job.userId);
    }
    if (changes.length === 0) return changes;
    await this.jobs.applyAll(changes);
    for (const c of changes) {
      for (const e of c.events ?? []) this.log.info({ jobId: c.jobId, arrayIndex: e.arrayIndex, from: e.fromState, to: e.toState, reason: e.reason }, 'job state');
    }
    await this.updates.publish(changes.map((c) => ({ jobId: c.jobId, userId: owners.get(c.jobId) as number })));
    return changes;
  }

  /**
   * scancel. A job (or task) still in the gateway is CANCELLED at once ('cancelled'); one its engine holds is
   * marked, and the mark is what the worker (or, after a Redis loss, the sweeper) carries to the engine ('requested').
   */
  async cancel(job: JobRow, arrayIndex: number | null, actor: string): Promise<'cancelled' | 'requested'> {
    const now = new Date();
    if (job.submitStatus !== 'SUBMITTED') {
      const done = await this.jobs.apply({ ...cancelledInGateway(job, arrayIndex, actor, now), expectSubmitStatus: ['WAITING', 'READY'] });
      if (done) {
        await this.publish(job);
        return 'cancelled';
      }
      // Handed to the engine meanwhile: cancel it there.
    }
    await this.jobs.apply(
      arrayIndex === null
        ? { jobId: job.id, job: { cancelRequestedAt: now, cancelledBy: actor } }
        : { jobId: job.id, job: { cancelledBy: actor }, tasks: [{ index: arrayIndex, data: { cancelRequestedAt: now } }] },
    );
    await this.publish(job);
    return 'requested';
  }

  /** scontrol hold of a job still waiting in the gateway; false when it has gone to its engine meanwhile. */
  async hold(job: JobRow, actor: string): Promise<boolean> {
    const ok = await this.jobs.apply({
      jobId: job.id,
      expectSubmitStatus: ['WAITING', 'READY'],
      job: { state: 'HELD', reason: Reason.JobHeldUser, submitStatus: 'WAITING' },
      tasks: job.tasks.filter((t) => t.state === 'PENDING').map((t) => ({ index: t.index, data: { state: 'HELD', reason: Reason.JobHeldUser } })),
      events: [{ arrayIndex: null, fromState: 'PENDING', toState: 'HELD', reason: Reason.JobHeldUser, actor }],
    });
    if (ok) await this.publish(job);
    return ok;
  }

  /** scontrol release: PENDING in the gateway again; the gate decides what it waits for next. */
  async release(job: JobRow, actor: string): Promise<void> {
    await this.jobs.apply({
      jobId: job.id,
      expectSubmitStatus: ['WAITING'],
      job: { state: 'PENDING', reason: Reason.QueuedInGateway },
      tasks: job.tasks.filter((t) => t.state === 'HELD').map((t) => ({ index: t.index, data: { state: 'PENDING', reason: Reason.QueuedInGateway } })),
      events: [{ arrayIndex: null, fromState: 'HELD', toState: 'PENDING', reason: 'released', actor }],
    });
    await this.publish(job);
  }

  /**
   * The gate's decisions for jobs waiting in the gateway: an eligible job becomes READY (returned, for the
   * caller to enqueue); one that waits (or never will run: Slurm keeps it PENDING too) shows its new reason. Each is guarded (a job cancelled or held
   * meanwhile is left alone); subscribers are told once for the whole pass.
   */
  async gate(decisions: { job: JobRow; decision: GateDecision }[], now: Date): Promise<number[]> {
    const released: number[] = [];
    const told: JobUpdatedMessage[] = [];
    for (const { job, decision } of decisions) {
      if (decision.kind === 'eligible') {
        if (!(await this.jobs.apply({ jobId: job.id, expectSubmitStatus: ['WAITING'], job: { submitStatus: 'READY', reason: Reason.QueuedInGateway, eligibleTime: now } }))) continue;
        released.push(job.id);
      } else if (decision.reason !== job.reason) {
        if (!(await this.jobs.apply({ jobId: job.id, expectSubmitStatus: ['WAITING'], job: { reason: decision.reason } }))) continue;
      } else continue;
      told.push({ jobId: job.id, userId: job.userId });
    }
    await this.updates.publish(told);
    return released;
  }

  private publish(job: Pick<JobRow, 'id' | 'userId'>): Promise<void> {
    return this.updates.publish([{ jobId: job.id, userId: job.userId }]);
  }
}

/** A cancel in the gateway: the job, or the named / all open tasks and the array job's state derived from them. */
function cancelledInGateway(job: JobRow, arrayIndex: number | null, actor: string, now: Date): JobChange {
  const final = { state: 'CANCELLED' as JobState, reason: Reason.None, endTime: now };
  if (job.tasks.length === 0) {
    return {
      jobId: job.id,
      job: { ...final, submitStatus: 'NONE', cancelledBy: actor },
      events: [{ arrayIndex: null, fromState: job.state, toState: 'CANCELLED', reason: 'cancelled in the gateway', actor }],
    };
  }
  const targets = job.tasks.filter((t) => !isTerminal(t.state) && (arrayIndex === null || t.index === arrayIndex));
  const tasks = job.tasks.map((t) => (targets.includes(t) ? { ...t, ...final } : t));
  const agg = aggregateTaskStates(tasks);
  const events: JobChange['events'] = targets.map((t) => ({ arrayIndex: t.index, fromState: t.state, toState: 'CANCELLED', reason: 'cancelled in the gateway', actor }));
  if (agg.state !== job.state) events.push({ arrayIndex: null, fromState: job.state, toState: agg.state, reason: null, actor });
  return {
    jobId: job.id,
    job: { ...agg, cancelledBy: actor, ...(isTerminal(agg.state) ? { submitStatus: 'NONE' } : {}) },
    tasks: targets.map((t) => ({ index: t.index, data: final })),
    events,
  };
}
