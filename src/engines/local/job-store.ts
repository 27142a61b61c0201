import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { EngineJob } from '../engine';
import type { LaunchPlan } from './launch-plan';
import { isJobDirName, jobDir, taskDir } from './state-layout';
import { readJsonIfExists, writeFileAtomic } from './runtime/state-files';
import F = require('./runtime/task-files');

/** What `<jobId>/job.json` holds: the job as the gateway handed it over, and how it is run. */
export interface JobRecord {
  format: 1;
  submittedAt: string;
  job: EngineJob;
  plan: LaunchPlan;
}

/** Records never change once written, so a bounded cache of them is always correct. */
const MAX_CACHED_RECORDS = 10_000;

/** The job directories of one state directory. All state is in files; the cache only saves reads. */
export class JobStore {
  private readonly cache = new Map<number, JobRecord>();

  constructor(private readonly stateDir: string) {}

  /**
   * Writes the job's directory, script and task directories, then job.json last: a job exists once its
   * record does, so a crash half-way leaves nothing that runs, and a retry completes the same directory.
   * Returns false when the job was already there (exactly-once submission).
   */
  async create(job: EngineJob, plan: LaunchPlan): Promise<boolean> {
    const dir = jobDir(this.stateDir, job.id);
    // 0711: the owner's shell must reach the script inside; nobody may list or read the rest.
    await fsp.mkdir(dir, { mode: 0o711 }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    if (await this.exists(job.id)) return false;

    const script = join(dir, F.SCRIPT);
    writeFileAtomic(script, job.spec.script, 0o700);
    if (plan.runAs) await fsp.chown(script, plan.runAs.uid, plan.runAs.gid);
    for (const task of plan.tasks) await fsp.mkdir(taskDir(this.stateDir, job.id, task.key), { recursive: true, mode: 0o700 });

    // Listed as active before the record exists, so the executor can never miss a job whose record is complete.
    await fsp.mkdir(join(this.stateDir, F.ACTIVE_DIR), { recursive: true, mode: 0o700 });
    writeFileAtomic(this.activeMarker(job.id), '');
    const record: JobRecord = { format: 1, submittedAt: new Date().toISOString(), job, plan };
    writeFileAtomic(join(dir, F.JOB_RECORD), JSON.stringify(record));
    this.remember(record);
    return true;
  }

  async exists(jobId: number): Promise<boolean> {
    if (this.cache.has(jobId)) return true;
    return fsp.access(join(jobDir(this.stateDir, jobId), F.JOB_RECORD)).then(
      () => true,
      () => false,
    );
  }

  /** null while the job is unknown (or its submission never completed). */
  async read(jobId: number): Promise<JobRecord | null> {
    const cached = this.cache.get(jobId);
    if (cached) return cached;
    const record = readJsonIfExists(join(jobDir(this.stateDir, jobId), F.JOB_RECORD)) as JobRecord | null;
    if (record) this.remember(record);
    return record;
  }

  /** Jobs with unfinished tasks, ascending (the executor's queue order). */
  async listActiveJobIds(): Promise<number[]> {
    const names = await fsp.readdir(join(this.stateDir, F.ACTIVE_DIR)).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [] as string[];
      throw e;
    });
    return names
      .filter(isJobDirName)
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** Every task has an exit record: the executor no longer needs to look at this job. */
  async markFinished(jobId: number): Promise<void> {
    await fsp.rm(this.activeMarker(jobId), { force: true });
    this.cache.delete(jobId);
  }

  private activeMarker(jobId: number): string {
    return join(this.stateDir, F.ACTIVE_DIR, String(jobId));
  }

  private remember(record: JobRecord): void {
    if (this.cache.size >= MAX_CACHED_RECORDS) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(record.job.id, record);
  }
}
