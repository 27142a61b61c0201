import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';
import type { ArrayTask as TaskRow, Job as JobRowBase, JobEvent as EventRow, User as UserRow } from '../generated/prisma/client';
import { JobState, TERMINAL_STATES, type JobSpec } from '../domain/job';
import type { StoredRoute } from './job-route';

export type JobRow = JobRowBase & { user: UserRow; tasks: TaskRow[] };
export type { TaskRow, EventRow };
export type SubmitStatus = JobRowBase['submitStatus'];

/**
 * A stored job's JobSpec. The column is written only with a spec the schema accepted at submission,
 * so it is trusted as read: parsing it again on every dispatch, gate pass and listing would cost for nothing.
 */
export function storedSpec(job: Pick<JobRowBase, 'spec'>): JobSpec {
  return job.spec as JobSpec;
}

const withUserAndTasks = { user: true, tasks: { orderBy: { index: 'asc' } } } as const;
const TERMINAL = [...TERMINAL_STATES] as JobState[];

export interface NewJob {
  userId: number;
  name: string;
  partition: string;
  engine: string;
  /** Several partitions (issue 17): the router's candidates; null for a job of one partition. */
  route: StoredRoute | null;
  state: JobState;
  reason: string;
  submitStatus: SubmitStatus;
  spec: Prisma.InputJsonValue;
  workdir: string;
  submitDir: string;
  submitHost: string;
  account: string | null;
  timeLimitMinutes: number | null;
  nodes: number;
  cpus: number;
  gpus: number;
  eligibleTime: Date | null;
  /** Array task indices, ascending; null for a plain job. */
  arrayIndices: number[] | null;
  actor: string;
  /** The same (user, key) again stores nothing and answers the job stored first; absent: never matched. */
  idempotencyKey?: string;
}

export interface JobQuery {
  ids?: number[];
  states?: JobState[];
  usernames?: string[];
  userId?: number;
  partitions?: string[];
  names?: string[];
  activeAfter?: Date;
  activeBefore?: Date;
}

/** A change to one job and its tasks, written atomically with its events. */
export interface JobChange {
  jobId: number;
  job?: Prisma.JobUpdateManyMutationInput;
  /** Only applied while the job still has this submit status (guards races with cancel). */
  expectSubmitStatus?: SubmitStatus[];
  tasks?: { index: number; data: Prisma.ArrayTaskUpdateManyMutationInput }[];
  events?: { arrayIndex: number | null; fromState: JobState | null; toState: JobState; reason: string | null; actor: string }[];
}

type Db = Prisma.TransactionClient | PrismaService;

/**
 * A check that must hold when jobs are inserted, run in the insert's transaction (under the locks it takes):
 * for each job, in order, null to insert it or the error that refuses it. Limits pass theirs (maxQueued).
 */
export type InsertGuard = (tx: Prisma.TransactionClient) => Promise<(Error | null)[]>;

/**
 * A check run in the transaction that begins a submit attempt, under the locks it takes: null to go on, or
 * the reason the job must wait in the gateway instead. Limits pass theirs (per-user running caps).
 */
export type AttemptCheck = (tx: Prisma.TransactionClient) => Promise<string | null>;

export type QueueRow = Pick<JobRowBase, 'id' | 'partition' | 'state' | 'cpus' | 'timeLimitMinutes' | 'startTime' | 'estStartTime'> & { tasks: Pick<TaskRow, 'state' | 'startTime'>[] };

/** Minimal view the gate needs of the jobs another job depends on. */
export type DependencyView = Pick<JobRowBase, 'id' | 'userId' | 'engine' | 'engineRef' | 'state' | 'startTime' | 'endTime' | 'exitCode'> & {
  tasks: Pick<TaskRow, 'index' | 'state' | 'startTime' | 'exitCode'>[];
};

@Injectable()
export class JobsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the job, its first event and its array tasks in ONE statement (one round trip: this is
   * the submission hot path) and returns its id. Ids come from the shared job_id_seq, so task ids
   * (JobIDRaw) never collide with job ids; the first task carries the array's own id, as in Slurm.
   * A job whose idempotency key its user already used is not inserted: the id returned is that job's.
   */
  async create(job: NewJob, guard?: InsertGuard): Promise<number> {
    if (!guard) return (await this.insertOne(this.prisma, job)) ?? (await this.storedUnderKey(job));
    const [result] = await this.guarded([job], guard, async (tx, [one]) => [await this.insertOne(tx, one)]);
    if (result instanceof Error) throw result;
    return result;
  }

  private async insertOne(db: Db, job: NewJob): Promise<number | null> {
    const indices = job.arrayIndices ?? [];
    const rows = await db.$queryRaw<{ id: number }[]>`
      WITH j AS (
        INSERT INTO jobs (user_id, name, partition, engine, route, placed_at, state, reason, submit_status, spec, workdir, submit_dir, submit_host,
                          account, time_limit_minutes, nodes, cpus, gpus, eligible_time, idempotency_key, updated_at)
        VALUES (${job.userId}, ${job.name}, ${job.partition}, ${job.engine}, ${job.route ? JSON.stringify(job.route) : null}::jsonb, ${job.route ? null : new Date()}::timestamptz, ${job.state}::"JobState", ${job.reason},
                ${job.submitStatus}::"SubmitStatus", ${JSON.stringify(job.spec)}::jsonb, ${job.workdir}, ${job.submitDir}, ${job.submitHost},
                ${job.account}, ${job.timeLimitMinutes}::int, ${job.nodes}, ${job.cpus}, ${job.gpus}, ${job.eligibleTime}::timestamptz,
                ${job.idempotencyKey ?? null}, now())
        ON CONFLICT (user_id, idempotency_key) DO NOTHING
        RETURNING id, state, reason
      ), e AS (
        INSERT INTO job_events (job_id, to_state, reason, actor) SELECT id, state, reason, ${job.actor} FROM j
      ), t AS (
        INSERT INTO array_tasks (job_id, task_index, raw_id, state, reason)
        SELECT j.id, x.idx, CASE WHEN x.ord = 1 THEN j.id ELSE nextval('job_id_seq')::int END, j.state, j.reason
        FROM j, unnest(${indices}::int[]) WITH ORDINALITY AS x(idx, ord)
      )
      SELECT id FROM j`;
    return rows[0]?.id ?? null;
  }

  /**
   * Inserts many plain (non-array) jobs and their first events in ONE statement: the group commit of
   * concurrent submissions. Returns the new ids in the order of `jobs` (an id already stored under a
   * job's idempotency key for a repeated one). With `guard` (e.g. maxQueued), in ONE transaction: the
   * guard runs first (it may take locks that last until the commit) and refuses some jobs, whose place
   * holds the refusal, unless their key names a job already stored (a retry is answered, not refused).
   */
  async createPlainMany(jobs: NewJob[], guard?: InsertGuard): Promise<(number | Error)[]> {
    if (!guard) return this.settle(jobs, await this.insertPlainMany(this.prisma, jobs));
    return this.guarded(jobs, guard, (tx, admitted) => this.insertPlainMany(tx, admitted));
  }

  private async guarded(jobs: NewJob[], guard: InsertGuard, insert: (tx: Prisma.TransactionClient, admitted: NewJob[]) => Promise<(number | null)[]>): Promise<(number | Error)[]> {
    const merged = await this.prisma.$transaction(async (tx) => {
      const refused = await guard(tx);
      const admitted = jobs.filter((_, i) => !refused[i]);
      const ids = admitted.length ? await insert(tx, admitted) : [];
      let next = 0;
      return jobs.map((_, i) => refused[i] ?? ids[next++]);
    });
    // A refused job whose key names one already stored is a retry: it is answered with that job, not refused.
    const settled = await this.settle(jobs, merged.map((r) => (r instanceof Error ? null : r)));
    return merged.map((r, i) => (r instanceof Error && typeof settled[i] !== 'number' ? r : settled[i]));
  }

  /** Fills in, for each job not inserted (null), the job stored earlier under its idempotency key. */
  private async settle(jobs: NewJob[], ids: (number | null)[]): Promise<(number | Error)[]> {
    const missing = jobs.filter((j, i) => ids[i] === null && j.idempotencyKey);
    if (missing.length === 0) return ids.map((id, i) => id ?? new Error(`job ${i} of the batch was not stored`));
    const rows = await this.prisma.$queryRaw<{ user_id: number; idempotency_key: string; id: number }[]>`
      SELECT j.user_id, j.idempotency_key, j.id FROM jobs j
      JOIN unnest(${missing.map((j) => j.userId)}::int[], ${missing.map((j) => j.idempotencyKey as string)}::text[]) AS k(user_id, idempotency_key)
        ON j.user_id = k.user_id AND j.idempotency_key = k.idempotency_key`;
    const stored = new Map(rows.map((r) => [`${r.user_id} ${r.idempotency_key}`, r.id]));
    return ids.map((id, i) => id ?? stored.get(`${jobs[i].userId} ${jobs[i].idempotencyKey}`) ?? new Error(`job ${i} of the batch was not stored`));
  }

  private async storedUnderKey(job: NewJob): Promise<number> {
    const [r] = await this.settle([job], [null]);
    if (r instanceof Error) throw r;
    return r;
  }

  private async insertPlainMany(db: Db, jobs: NewJob[]): Promise<(number | null)[]> {
    const col = <K extends keyof NewJob>(k: K) => jobs.map((j) => j[k] ?? null);
    const rows = await db.$queryRaw<{ id: number | null }[]>`
      WITH input AS MATERIALIZED (
        SELECT nextval('job_id_seq')::int AS id, x.*
        FROM unnest(${col('userId')}::int[], ${col('name')}::text[], ${col('partition')}::text[], ${col('engine')}::text[],
                    ${jobs.map((j) => (j.route ? JSON.stringify(j.route) : null))}::jsonb[],
                    ${col('state')}::text[], ${col('reason')}::text[], ${col('submitStatus')}::text[],
                    ${jobs.map((j) => JSON.stringify(j.spec))}::jsonb[], ${col('workdir')}::text[], ${col('submitDir')}::text[],
                    ${col('submitHost')}::text[], ${col('account')}::text[], ${col('timeLimitMinutes')}::int[], ${col('nodes')}::int[],
                    ${col('cpus')}::int[], ${col('gpus')}::int[], ${col('eligibleTime')}::timestamptz[], ${col('actor')}::text[],
                    ${col('idempotencyKey')}::text[])
          WITH ORDINALITY AS x(user_id, name, partition, engine, route, state, reason, submit_status, spec, workdir, submit_dir,
                               submit_host, account, time_limit_minutes, nodes, cpus, gpus, eligible_time, actor, idempotency_key, ord)
      ), j AS (
        INSERT INTO jobs (id, user_id, name, partition, engine, route, placed_at, state, reason, submit_status, spec, workdir, submit_dir, submit_host,
                          account, time_limit_minutes, nodes, cpus, gpus, eligible_time, idempotency_key, updated_at)
        SELECT id, user_id, name, partition, engine, route, CASE WHEN route IS NULL THEN now() END, state::"JobState", reason, submit_status::"SubmitStatus", spec, workdir, submit_dir,
               submit_host, account, time_limit_minutes, nodes, cpus, gpus, eligible_time, idempotency_key, now()
        FROM input
        ON CONFLICT (user_id, idempotency_key) DO NOTHING
        RETURNING id
      ), e AS (
        INSERT INTO job_events (job_id, to_state, reason, actor) SELECT i.id, i.state::"JobState", i.reason, i.actor FROM input i JOIN j ON j.id = i.id
      )
      SELECT j.id FROM input i LEFT JOIN j ON j.id = i.id ORDER BY i.ord`;
    return rows.map((r) => r.id);
  }

  findById(id: number): Promise<JobRow | null> {
    return this.prisma.job.findUnique({ where: { id }, include: withUserAndTasks });
  }

  /** A job by its id or by the raw id of one of its array tasks. */
  async findByAnyId(id: number): Promise<JobRow | null> {
    return (await this.findById(id)) ?? this.prisma.job.findFirst({ where: { tasks: { some: { rawId: id } } }, include: withUserAndTasks });
  }

  private where(q: JobQuery): Prisma.JobWhereInput {
    const and: Prisma.JobWhereInput[] = [];
    if (q.ids) and.push({ OR: [{ id: { in: q.ids } }, { tasks: { some: { rawId: { in: q.ids } } } }] });
    if (q.states) and.push({ state: { in: q.states } });
    if (q.usernames) and.push({ user: { username: { in: q.usernames } } });
    if (q.userId !== undefined) and.push({ userId: q.userId });
    if (q.partitions) and.push({ partition: { in: q.partitions } });
    if (q.names) and.push({ name: { in: q.names } });
    if (q.activeAfter) and.push({ OR: [{ endTime: null }, { endTime: { gte: q.activeAfter } }] });
    if (q.activeBefore) and.push({ submitTime: { lte: q.activeBefore } });
    return { AND: and };
  }

  async list(q: JobQuery, offset: number, limit: number): Promise<{ items: JobRow[]; total: number }> {
    const where = this.where(q);
    const [items, total] = await this.prisma.$transaction([
      this.prisma.job.findMany({ where, include: withUserAndTasks, orderBy: { id: 'asc' }, skip: offset, take: limit }),
      this.prisma.job.count({ where }),
    ]);
    return { items, total };
  }

  events(jobId: number): Promise<EventRow[]> {
    return this.prisma.jobEvent.findMany({ where: { jobId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  }

  /**
   * Writes a change atomically. Returns false (and writes nothing) when the job's submit status is no
   * longer one of `expectSubmitStatus`.
   */
  async apply(change: JobChange): Promise<boolean> {
    if (!change.expectSubmitStatus) {
      await this.prisma.$transaction(this.writes(this.prisma, change));
      return true;
    }
    // The guarded update must match before the rest is written: run it first inside one transaction.
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.job.updateMany({ where: { id: change.jobId, submitStatus: { in: change.expectSubmitStatus } }, data: change.job ?? {} });
      if (count === 0) return false;
      for (const op of this.writes(tx, { ...change, job: undefined })) await op;
      return true;
    });
  }

  /** Writes unguarded changes (one status pass) in ONE transaction: all of them or none. */
  async applyAll(changes: JobChange[]): Promise<void> {
    await this.prisma.$transaction(changes.flatMap((c) => this.writes(this.prisma, c)));
  }

  /** The statements of one change: the job row, its tasks, its events. */
  private writes(db: Db, change: JobChange): Prisma.PrismaPromise<unknown>[] {
    const ops: Prisma.PrismaPromise<unknown>[] = [];
    if (change.job) ops.push(db.job.updateMany({ where: { id: change.jobId }, data: change.job }));
    for (const t of change.tasks ?? []) ops.push(db.arrayTask.updateMany({ where: { jobId: change.jobId, index: t.index }, data: t.data }));
    if (change.events?.length) ops.push(db.jobEvent.createMany({ data: change.events.map((e) => ({ ...e, jobId: change.jobId })) }));
    return ops;
  }

  /**
   * Begins a submit attempt of a READY job: from now on a retry must reconcile with the engine first.
   * `check` runs first in the same transaction; a reason sends the job back to wait in the gateway with it.
   * Null when the job is no longer READY.
   */
  async beginSubmitAttempt(id: number, check: AttemptCheck | null): Promise<{ attempt: number } | { waitReason: string } | null> {
    return this.prisma.$transaction(async (tx) => {
      const waitReason = check ? await check(tx) : null;
      if (waitReason) {
        const { count } = await tx.job.updateMany({ where: { id, submitStatus: 'READY' }, data: { submitStatus: 'WAITING', reason: waitReason } });
        return count ? { waitReason } : null;
      }
      const rows = await tx.job.updateManyAndReturn({ where: { id, submitStatus: 'READY' }, data: { submitAttempts: { increment: 1 } }, select: { submitAttempts: true } });
      return rows.length ? { attempt: rows[0].submitAttempts } : null;
    });
  }

  /** Jobs handed to an engine and not yet finished: what one sync pass asks the engine about. */
  findLive(engine: string): Promise<JobRow[]> {
    return this.prisma.job.findMany({
      where: { engine, submitStatus: 'SUBMITTED', state: { notIn: TERMINAL } },
      include: withUserAndTasks,
      orderBy: { id: 'asc' },
    });
  }

  /**
   * What the gateway's queue model needs of the jobs partitions hold or are about to (issue 17): those
   * running, and those pending that are placed there and eligible (not held, not waiting on a dependency), in id order.
   */
  partitionQueues(partitions: string[], limit: number): Promise<QueueRow[]> {
    return this.prisma.job.findMany({
      where: {
        partition: { in: partitions },
        OR: [{ state: { in: ['RUNNING', 'SUSPENDED'] } }, { state: 'PENDING', submitStatus: { in: ['READY', 'SUBMITTED'] }, placedAt: { not: null } }],
      },
      select: { id: true, partition: true, state: true, cpus: true, timeLimitMinutes: true, startTime: true, estStartTime: true, tasks: { select: { state: true, startTime: true } } },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  /** Jobs that moved away from an engine that may hold a copy of them (see JobDispatchService.reconcileMoved). */
  async findMovedIds(limit: number): Promise<number[]> {
    const rows = await this.prisma.job.findMany({ where: { NOT: { leftEngines: { isEmpty: true } } }, select: { id: true }, orderBy: { id: 'asc' }, take: limit });
    return rows.map((r) => r.id);
  }

  /** Eligible jobs not yet handed to their engine (the sweeper re-enqueues these). */
  async findReadyIds(limit: number): Promise<number[]> {
    const rows = await this.prisma.job.findMany({ where: { submitStatus: 'READY', state: { notIn: TERMINAL } }, select: { id: true }, orderBy: { id: 'asc' }, take: limit });
    return rows.map((r) => r.id);
  }

  /** Jobs waiting in the gateway for hold, begin time or dependencies. */
  findWaiting(limit: number): Promise<JobRow[]> {
    return this.prisma.job.findMany({ where: { submitStatus: 'WAITING', state: { in: ['PENDING', 'HELD'] } }, include: withUserAndTasks, orderBy: { id: 'asc' }, take: limit });
  }

  /** Cancellations asked for but not yet confirmed by the engine. */
  async findPendingCancels(olderThan: Date, limit: number): Promise<{ jobId: number; arrayIndex: number | null }[]> {
    const [jobs, tasks] = await this.prisma.$transaction([
      this.prisma.job.findMany({
        where: { cancelRequestedAt: { lte: olderThan }, submitStatus: 'SUBMITTED', state: { notIn: TERMINAL } },
        select: { id: true },
        take: limit,
      }),
      this.prisma.arrayTask.findMany({
        where: { cancelRequestedAt: { lte: olderThan }, state: { notIn: TERMINAL }, job: { submitStatus: 'SUBMITTED', cancelRequestedAt: null } },
        select: { jobId: true, index: true },
        take: limit,
      }),
    ]);
    return [...jobs.map((j) => ({ jobId: j.id, arrayIndex: null })), ...tasks.map((t) => ({ jobId: t.jobId, arrayIndex: t.index }))];
  }

  findForDependencies(ids: number[]): Promise<DependencyView[]> {
    return this.prisma.job.findMany({
      where: { id: { in: ids } },
      select: { id: true, userId: true, engine: true, engineRef: true, state: true, startTime: true, endTime: true, exitCode: true, tasks: { select: { index: true, state: true, startTime: true, exitCode: true } } },
    });
  }

  /** For `--dependency=singleton`: an earlier job of the same user and name that has not finished. */
  async hasEarlierUnfinished(userId: number, name: string, beforeId: number): Promise<boolean> {
    const n = await this.prisma.job.count({ where: { userId, name, id: { lt: beforeId }, state: { notIn: TERMINAL } } });
    return n > 0;
  }

  async countByState(): Promise<{ state: JobState; count: number }[]> {
    const rows = await this.prisma.job.groupBy({ by: ['state'], _count: { _all: true } });
    return rows.map((r) => ({ state: r.state, count: r._count._all }));
  }

  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }
}

