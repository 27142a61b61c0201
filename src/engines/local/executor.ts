import { join } from 'node:path';
import type { JobStore } from './job-store';
import type { EngineLogger } from '../shared/engine-logger';
import { ExecutorLock } from './executor-lock';
import { planStarts, QueuedJob } from './scheduler';
import { isAlive, signalStamped } from './runtime/process-stamp';
import { writeFileAtomic } from './runtime/state-files';
import { taskDir } from './state-layout';
import { spawnLauncher } from './task-launcher';
import { claimTask, publishExit, releaseUnstartedClaim, settleCancelledPending, settleLostTask } from './task-outcome';
import { classifyTask } from './task-phase';
import { readTaskSnapshot } from './task-snapshot';
import F = require('./runtime/task-files');

export interface ExecutorOptions {
  stateDir: string;
  slots: number;
  pollIntervalMs: number;
  logger: EngineLogger;
  store: JobStore;
}

/**
 * The loop that turns queued tasks into running ones (slurmctld's scheduler and slurmd in one, for one
 * host). Only the holder of the state directory's lock runs passes; the others wait on standby and take
 * over when it goes. Everything it decides is written to the task's files; its memory is only a cache.
 */
export class Executor {
  private readonly lock: ExecutorLock;
  private timer: NodeJS.Timeout | null = null;
  private active = false;
  private currentPass: Promise<void> | null = null;
  private standby = false;

  private readonly doneTasks = new Set<string>();
  private readonly startedTasks = new Set<string>();
  private readonly cancelSignalled = new Set<string>();
  private readonly writtenReasons = new Map<string, string>();
  private readonly brokenJobs = new Set<number>();

  constructor(private readonly opts: ExecutorOptions) {
    this.lock = new ExecutorLock(join(opts.stateDir, F.EXECUTOR_LOCK));
  }

  /** True while this instance holds the lock and runs passes. */
  get isExecutor(): boolean {
    return this.active && this.lock.isHeld;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.scheduleNext(0);
  }

  /** Stops the loop and releases the lock; running jobs are left alone (their launchers are detached). */
  async stop(): Promise<void> {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.currentPass;
    this.lock.release();
  }

  private scheduleNext(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.currentPass = this.pass().finally(() => {
        this.currentPass = null;
        if (this.active) this.scheduleNext(this.opts.pollIntervalMs);
      });
    }, delayMs);
  }

  private async pass(): Promise<void> {
    const log = this.opts.logger;
    try {
      const wasHeld = this.lock.isHeld;
      if (!this.lock.ensureHeld()) {
        if (wasHeld) log.error({ stateDir: this.opts.stateDir, holder: this.lock.holder() }, 'local executor lost its lock to another process; standing down');
        else if (!this.standby) log.info({ stateDir: this.opts.stateDir, holder: this.lock.holder() }, 'local executor on standby: another process holds the lock');
        this.standby = true;
        return;
      }
      if (!wasHeld) log.info({ stateDir: this.opts.stateDir, slots: this.opts.slots }, 'local executor running');
      this.standby = false;
      await this.runOnce();
    } catch (e) {
      log.error({ stateDir: this.opts.stateDir, err: (e as Error).message }, 'local executor pass failed; retrying next pass');
    }
  }

  /** Reap finished tasks, settle lost and cancelled ones, then start what fits. */
  private async runOnce(): Promise<void> {
    const now = new Date();
    const queue: QueuedJob[] = [];
    for (const jobId of await this.opts.store.listActiveJobIds()) {
      try {
        const entry = await this.inspectJob(jobId, now);
        if (entry) queue.push(entry);
        this.brokenJobs.delete(jobId);
      } catch (e) {
        // One unreadable job must not stop the queue: it is skipped (and reported once) until it reads again.
        if (!this.brokenJobs.has(jobId)) this.opts.logger.error({ jobId, err: (e as Error).message }, 'local job state unreadable; skipping it');
        this.brokenJobs.add(jobId);
      }
    }
    const decision = planStarts(queue, this.opts.slots);
    for (const { jobId, key } of decision.start) this.startTask(jobId, key);
    for (const { jobId, key, reason } of decision.waiting) this.recordReason(jobId, key, reason);
  }

  /** The job's place in the queue, or null once every task of it has finished. */
  private async inspectJob(jobId: number, now: Date): Promise<QueuedJob | null> {
    const { store, stateDir, logger: log } = this.opts;
    const record = await store.read(jobId);
    if (!record) return null; // submission still being written

    const plan = record.plan;
    const entry: QueuedJob = { jobId, slotsPerTask: plan.slots, maxConcurrent: plan.arrayMaxConcurrent, running: 0, queued: [] };
    let unfinished = 0;
    for (const task of plan.tasks) {
      const id = `${jobId}/${task.key}`;
      if (this.doneTasks.has(id)) continue;
      const dir = taskDir(stateDir, jobId, task.key);
      let snapshot = await readTaskSnapshot(dir);
      let phase = classifyTask(snapshot, now, isAlive);
      if (phase.kind === 'unstarted' && snapshot.claim && releaseUnstartedClaim(dir, snapshot.claim)) {
        log.warn({ jobId, arrayIndex: task.arrayIndex, claimedAt: snapshot.claim.claimedAt, claimer: snapshot.claim.claimer?.pid ?? null }, 'local task requeued: its launcher never started');
        this.startedTasks.delete(id);
        snapshot = await readTaskSnapshot(dir);
        phase = classifyTask(snapshot, now, isAlive);
      }
      switch (phase.kind) {
        case 'done':
          this.taskDone(jobId, task.key, phase.exit.state, phase.exit.exitCode);
          break;
        case 'lost': {
          const { exit, published } = settleLostTask(dir, snapshot, phase.reason);
          if (published) log.warn({ jobId, arrayIndex: task.arrayIndex, reason: phase.reason }, 'local task lost its launcher');
          this.taskDone(jobId, task.key, exit.state, exit.exitCode);
          break;
        }
        case 'cancelled-pending': {
          const settled = settleCancelledPending(dir);
          if (settled) this.taskDone(jobId, task.key, settled.exit.state, settled.exit.exitCode);
          else unfinished++;
          break;
        }
        // Not released: its launcher passed the gate meanwhile, and runs.
        case 'unstarted':
        case 'running':
          unfinished++;
          entry.running++;
          // cancel() signals the launcher itself when it can; this covers callers without the right to (an API as another user).
          if (snapshot.cancelRequested && snapshot.launcher && !this.cancelSignalled.has(id)) {
            signalStamped(snapshot.launcher, 'SIGTERM');
            this.cancelSignalled.add(id);
          }
          break;
        case 'queued':
          unfinished++;
          entry.queued.push(task.key);
          break;
      }
    }
    if (unfinished > 0) return entry;
    await this.jobDone(jobId, plan.tasks.map((t) => t.key));
    return null;
  }

  private startTask(jobId: number, key: string): void {
    const dir = taskDir(this.opts.stateDir, jobId, key);
    const id = `${jobId}/${key}`;
    // A cancel may have claimed it in the meantime: then it never starts.
    const claim = claimTask(dir, 'executor');
    if (!claim?.attempt) return;
    this.writtenReasons.delete(id);
    this.startedTasks.add(id);
    const failed = (err: Error) => {
      publishExit(dir, { state: 'FAILED', exitCode: null, signal: null, reason: `could not start the launcher: ${err.message}` });
      this.opts.logger.error({ jobId, task: key, err: err.message }, 'local task launcher failed to start');
    };
    try {
      spawnLauncher(dir, claim.attempt, failed);
    } catch (e) {
      failed(e as Error);
      return;
    }
    this.opts.logger.info({ jobId, task: key }, 'local task started');
  }

  private recordReason(jobId: number, key: string, reason: string): void {
    const id = `${jobId}/${key}`;
    if (this.writtenReasons.get(id) === reason) return;
    writeFileAtomic(join(taskDir(this.opts.stateDir, jobId, key), F.REASON), reason, 0o644);
    this.writtenReasons.set(id, reason);
  }

  private taskDone(jobId: number, key: string, state: string, exitCode: number | null): void {
    const id = `${jobId}/${key}`;
    this.doneTasks.add(id);
    if (this.startedTasks.delete(id)) this.opts.logger.info({ jobId, task: key, state, exitCode }, 'local task finished');
    this.cancelSignalled.delete(id);
    this.writtenReasons.delete(id);
  }

  private async jobDone(jobId: number, keys: string[]): Promise<void> {
    await this.opts.store.markFinished(jobId);
    for (const key of keys) this.doneTasks.delete(`${jobId}/${key}`);
  }
}
