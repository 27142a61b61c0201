import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { JobsService } from '../jobs/jobs.service';
import { type NotebookState, deriveTransition, needsOutputTail } from './notebook-state';
import { NotebookUpdatesPubSub } from './notebook-updates.pubsub';
import { NotebooksRepository, type NotebookRow } from './notebooks.repository';

/** Lines of the job's output a failure reason quotes. */
const TAIL_LINES = 5;
const MAX_TAIL_CHARS = 2000;

/**
 * Applies notebook state changes: those derived from the notebook's job as stored by the job sync
 * (no engine status call of its own), the start-timeout watchdog, and failures with their job cancelled.
 * Every write is guarded by the state it starts from, so two processes deriving at once write once.
 */
@Injectable()
export class NotebookStateService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: NotebooksRepository,
    private readonly jobs: JobsService,
    private readonly updates: NotebookUpdatesPubSub,
    @InjectPinoLogger(NotebookStateService.name) private readonly log: PinoLogger,
  ) {}

  /** Brings these live notebooks in line with their jobs; returns each one's state afterwards. */
  async reconcile(rows: NotebookRow[], now = new Date()): Promise<Map<number, NotebookState>> {
    const states = new Map<number, NotebookState>();
    for (const nb of rows) {
      states.set(nb.id, nb.state);
      const tail = needsOutputTail(nb, nb.job) ? await this.outputTail(nb) : null;
      const t = deriveTransition(nb, nb.job, tail, now);
      if (!t) continue;
      const ok = await this.repo.apply({
        id: nb.id,
        from: [t.from],
        data: { state: t.to, reason: t.reason, ...t.data },
        event: t.event ? { fromState: t.from, toState: t.to, reason: t.reason, actor: `job:${nb.jobId}` } : undefined,
      });
      if (!ok) continue;
      states.set(nb.id, t.to);
      if (t.event) this.log.info({ notebookId: nb.id, jobId: nb.jobId, from: t.from, to: t.to, reason: t.reason }, 'notebook state');
      await this.updates.publish({ notebookId: nb.id, userId: nb.userId });
    }
    return states;
  }

  /** After a job changed: its notebook, if it has a live one. */
  async onJobsChanged(jobIds: number[]): Promise<void> {
    const rows = await this.repo.findLive({ jobIds });
    if (rows.length) await this.reconcile(rows);
  }

  /**
   * One pass over every live notebook (one query): catches a job change whose notification was lost,
   * and fails a notebook whose server is not ready `startTimeout` seconds after its job started.
   */
  async sweep(now = new Date()): Promise<void> {
    const rows = await this.repo.findLive();
    const states = await this.reconcile(rows, now);
    const limitMs = this.config.notebooks.startTimeoutSeconds * 1000;
    for (const nb of rows) {
      const started = nb.job.startTime ?? nb.startedAt;
      if (states.get(nb.id) !== 'STARTING' || nb.job.state !== 'RUNNING' || !started || now.getTime() - started.getTime() < limitMs) continue;
      const what = nb.host ? `registered at ${nb.host}:${nb.port} but did not answer` : 'did not register';
      await this.fail({ ...nb, state: 'STARTING' }, `the server ${what} within startTimeout (${this.config.notebooks.startTimeoutSeconds} s) after job ${nb.jobId} started; the job was cancelled`, 'system:notebook-watchdog');
    }
  }

  /** FAILED now, with the reason, and its job cancelled (a server that is not going to serve holds resources). */
  async fail(nb: Pick<NotebookRow, 'id' | 'userId' | 'jobId' | 'state'>, reason: string, actor: string): Promise<boolean> {
    if (nb.state !== 'PENDING' && nb.state !== 'STARTING') return false;
    const ok = await this.repo.apply({
      id: nb.id,
      from: [nb.state],
      data: { state: 'FAILED', reason, endedAt: new Date(), tokenHash: null },
      event: { fromState: nb.state, toState: 'FAILED', reason, actor },
    });
    if (!ok) return false;
    this.log.info({ notebookId: nb.id, jobId: nb.jobId, reason }, 'notebook failed');
    await this.jobs.cancelAsSystem(nb.jobId, actor);
    await this.updates.publish({ notebookId: nb.id, userId: nb.userId });
    return true;
  }

  /** The last lines of the job's output (stdout and stderr share a file unless the job splits them). */
  private async outputTail(nb: NotebookRow): Promise<string | null> {
    if (!nb.job.engineRef) return null;
    try {
      const chunk = await this.jobs.outputAsSystem(nb.jobId, { stream: 'stdout', arrayIndex: null, tail: TAIL_LINES, offset: 0, limit: 64 * 1024 });
      if (!chunk) return null;
      const text = chunk.data.trim().split('\n').join(' | ');
      return text.length > MAX_TAIL_CHARS ? `…${text.slice(-MAX_TAIL_CHARS)}` : text;
    } catch (e) {
      this.log.warn({ notebookId: nb.id, jobId: nb.jobId, err: (e as Error).message }, 'could not read the output of a notebook job');
      return null;
    }
  }
}
