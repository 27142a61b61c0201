import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';
import { TERMINAL_STATES } from '../domain/job';
import type { Usage } from './effective-limits';
import { footprint } from './job-footprint';

const TERMINAL = Prisma.join([...TERMINAL_STATES]);
/** First key of the advisory locks that serialise admissions of one user's jobs. */
const ADMISSION_LOCK = 0x68706367;

type Tx = Prisma.TransactionClient | PrismaService;

@Injectable()
export class LimitsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Takes the per-user lock that serialises admissions (maxRunning) and submissions (maxQueued) of each
   * user, until the transaction ends; in ascending id order, so two transactions never wait on each other.
   */
  async lockUsers(tx: Prisma.TransactionClient, userIds: number[]): Promise<void> {
    for (const userId of [...new Set(userIds)].sort((a, b) => a - b)) await this.lockUser(tx, userId);
  }

  private async lockUser(tx: Tx, userId: number): Promise<void> {
    await tx.$queryRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(${ADMISSION_LOCK}::int, ${userId}::int)) AS locked`;
  }

  /** Jobs of the user not finished yet, each array task counted (Slurm's MaxSubmitJobs counts tasks). */
  async queuedCount(userId: number, tx: Tx = this.prisma): Promise<number> {
    const [row] = await tx.$queryRaw<{ n: number }[]>`
      SELECT (SELECT count(*) FROM jobs j WHERE j.user_id = ${userId} AND j.state::text NOT IN (${TERMINAL})
                AND NOT EXISTS (SELECT 1 FROM array_tasks t WHERE t.job_id = j.id))
           + (SELECT count(*) FROM array_tasks t JOIN jobs j ON j.id = t.job_id WHERE j.user_id = ${userId} AND t.state::text NOT IN (${TERMINAL}))
           AS n`;
    return Number(row.n);
  }

  /**
   * What the user's admitted jobs occupy: jobs handed to their engine (or being handed: a submit
   * attempt has begun) and not finished. Once an engine has a job it may start it at any moment.
   */
  async runningUsage(userId: number, tx: Tx = this.prisma, excludeJobId = 0): Promise<Usage> {
    const rows = await tx.$queryRaw<{ cpus: number; gpus: number; open_tasks: number | null; max_concurrent: number | null }[]>`
      SELECT j.cpus, j.gpus, (j.spec->'array'->>'maxConcurrent')::int AS max_concurrent,
             CASE WHEN EXISTS (SELECT 1 FROM array_tasks t WHERE t.job_id = j.id)
                  THEN (SELECT count(*) FROM array_tasks t WHERE t.job_id = j.id AND t.state::text NOT IN (${TERMINAL}))::int END AS open_tasks
      FROM jobs j
      WHERE j.user_id = ${userId} AND j.id <> ${excludeJobId} AND j.state::text NOT IN (${TERMINAL})
        AND (j.submit_status = 'SUBMITTED' OR (j.submit_status = 'READY' AND j.submit_attempts > 0))`;
    return rows
      .map((r) => footprint({ cpus: r.cpus, gpus: r.gpus, openTasks: r.open_tasks, maxConcurrent: r.max_concurrent }))
      .reduce((a, b) => ({ jobs: a.jobs + b.jobs, cpus: a.cpus + b.cpus, gpus: a.gpus + b.gpus }), { jobs: 0, cpus: 0, gpus: 0 });
  }
}
