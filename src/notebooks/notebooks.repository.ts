import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';
import type { Job as JobRowBase, Notebook as NotebookRowBase, NotebookEvent as NotebookEventRow, User as UserRow } from '../generated/prisma/client';
import { LIVE_NOTEBOOK_STATES, type NotebookState } from './notebook-state';

export type NotebookRow = NotebookRowBase & { user: UserRow; job: JobRowBase };
export type { NotebookEventRow };

const withUserAndJob = { user: true, job: true } as const;
const LIVE = [...LIVE_NOTEBOOK_STATES];

export interface NewNotebook {
  id: number;
  userId: number;
  jobId: number;
  serverName: string;
  profile: string;
  options: Prisma.InputJsonValue;
  prefix: string;
  tokenHash: string;
  reason: string | null;
  actor: string;
}

/** A change to one notebook, written only while it is still in one of `from` (and, for registration, holds this token). */
export interface NotebookChange {
  id: number;
  from: NotebookState[];
  data: Prisma.NotebookUpdateManyMutationInput;
  /** Only while this one-time token is unused; the change consumes it. */
  tokenHash?: string;
  /** Only while no stop was asked for. */
  notStopping?: boolean;
  event?: { fromState: NotebookState; toState: NotebookState; reason: string | null; actor: string };
}

export interface QueuePosition {
  position: number;
  total: number;
}

@Injectable()
export class NotebooksRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A notebook id before the notebook exists: its job's environment names it. */
  async reserveId(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ id: number }[]>`SELECT nextval(pg_get_serial_sequence('notebooks', 'id'))::int AS id`;
    return row.id;
  }

  /** Inserts the notebook and its first event; null when the user already has a live notebook of that server name. */
  async create(nb: NewNotebook): Promise<NotebookRow | null> {
    try {
      return await this.prisma.notebook.create({
        data: {
          id: nb.id,
          userId: nb.userId,
          jobId: nb.jobId,
          serverName: nb.serverName,
          profile: nb.profile,
          options: nb.options,
          prefix: nb.prefix,
          tokenHash: nb.tokenHash,
          reason: nb.reason,
          events: { create: { toState: 'PENDING', reason: nb.reason, actor: nb.actor } },
        },
        include: withUserAndJob,
      });
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') return null;
      throw e;
    }
  }

  findById(id: number): Promise<NotebookRow | null> {
    return this.prisma.notebook.findUnique({ where: { id }, include: withUserAndJob });
  }

  list(q: { userId?: number; states?: NotebookState[] }): Promise<NotebookRow[]> {
    return this.prisma.notebook.findMany({
      where: { ...(q.userId !== undefined ? { userId: q.userId } : {}), ...(q.states ? { state: { in: q.states } } : {}) },
      include: withUserAndJob,
      orderBy: { id: 'asc' },
    });
  }

  /** Live notebooks, each with its job as last stored: what one reconciliation pass reads (one query). */
  findLive(q: { jobIds?: number[]; userId?: number } = {}): Promise<NotebookRow[]> {
    return this.prisma.notebook.findMany({
      where: { state: { in: LIVE }, ...(q.jobIds ? { jobId: { in: q.jobIds } } : {}), ...(q.userId !== undefined ? { userId: q.userId } : {}) },
      include: withUserAndJob,
      orderBy: { id: 'asc' },
    });
  }

  async hasLive(userId: number, serverName: string): Promise<boolean> {
    return (await this.prisma.notebook.count({ where: { userId, serverName, state: { in: LIVE } } })) > 0;
  }

  countLive(userId: number): Promise<number> {
    return this.prisma.notebook.count({ where: { userId, state: { in: LIVE } } });
  }

  /** Writes the change and its event atomically; false (nothing written) when its guards no longer hold. */
  apply(change: NotebookChange): Promise<boolean> {
    const where: Prisma.NotebookWhereInput = {
      id: change.id,
      state: { in: change.from },
      ...(change.tokenHash !== undefined ? { tokenHash: change.tokenHash } : {}),
      ...(change.notStopping ? { stopRequested: false } : {}),
    };
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.notebook.updateMany({ where, data: change.data });
      if (count === 0) return false;
      if (change.event) await tx.notebookEvent.create({ data: { notebookId: change.id, ...change.event } });
      return true;
    });
  }

  events(id: number): Promise<NotebookEventRow[]> {
    return this.prisma.notebookEvent.findMany({ where: { notebookId: id }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  }

  /**
   * Each pending job's place among the pending jobs of its partition (1 = next), in ONE query. Ids are
   * given in submission order, as the engines' queues mostly are; held jobs do not count as ahead.
   */
  async queuePositions(jobIds: number[]): Promise<Map<number, QueuePosition>> {
    if (jobIds.length === 0) return new Map();
    const rows = await this.prisma.$queryRaw<{ id: number; position: number; total: number }[]>`
      SELECT me.id,
             (SELECT count(*) FROM jobs j WHERE j.partition = me.partition AND j.state = 'PENDING' AND j.id <= me.id)::int AS position,
             (SELECT count(*) FROM jobs j WHERE j.partition = me.partition AND j.state = 'PENDING')::int AS total
      FROM jobs me
      WHERE me.id = ANY(${jobIds}::int[]) AND me.state = 'PENDING'`;
    return new Map(rows.map((r) => [r.id, { position: r.position, total: r.total }]));
  }
}
