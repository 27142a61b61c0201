import { type TaggedJob } from './engine';
import { EngineUnavailableError } from './engine-errors';
import type { CommandRunner } from './command-runner/command-runner';
import { runEngineCommand } from './command-runner/engine-commands';
import type { EngineLogger } from './shared/engine-logger';

/**
 * Which engine-side submission is a job's own (DESIGN.md §6.3). Every engine lets its users label their
 * own jobs (Slurm --comment, HTCondor `+` attributes, Kubernetes labels), and gateway job ids are
 * sequential: an id alone proves nothing. A submission is the job's own only if it carries the job's
 * random nonce (never shown to anyone before the job reaches the engine) AND the engine says it belongs
 * to the job's owner (which a user cannot choose). The owner check matters as much as the nonce: once
 * the gateway has submitted, the nonce is visible to whoever may list the engine's jobs.
 */
export interface TagCandidate {
  /** The engine's reference, as `submit` returns it. */
  ref: string;
  /** The nonce the submission carries; null when it carries none (a tag of an older gateway, or a forgery). */
  nonce: string | null;
  /** The owner as the engine reports it (Slurm/HTCondor user name, Kubernetes namespace). */
  owner: string;
}

export interface AdoptContext {
  engine: string;
  /** The owner the engine must report for the job's own submission (see each engine's findByTag). */
  expectedOwner: string;
  logger: EngineLogger;
}

/**
 * The ref of the one candidate that is the job's own, or null. Every other candidate claiming the job's id
 * is ignored and logged as a warning with both owners: someone labelled a job with another job's tag.
 */
export function adoptTagged(job: TaggedJob, candidates: TagCandidate[], ctx: AdoptContext): string | null {
  let adopted: string | null = null;
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.ref)) continue;
    seen.add(c.ref);
    // An empty nonce (a preview's, or a forged `hpcg:site:id:`) is never a match.
    const nonceMatches = job.nonce !== '' && c.nonce === job.nonce;
    const ownerMatches = c.owner === ctx.expectedOwner;
    if (nonceMatches && ownerMatches && adopted === null) {
      adopted = c.ref;
      continue;
    }
    ctx.logger.warn(
      { jobId: job.id, engine: ctx.engine, ref: c.ref, owner: job.owner.username, expectedOwner: ctx.expectedOwner, foundOwner: c.owner, nonceMatches, ownerMatches },
      `possible forgery: engine job ${c.ref} of ${c.owner || '(unknown)'} carries the tag of gateway job ${job.id} of ${job.owner.username}; not adopted`,
    );
  }
  return adopted;
}

/**
 * The user name the runner's commands run as (`id -un` through it), asked once: the engine-side owner of
 * every job an engine submits in `submitAs: service` mode (a robot account submits everyone's jobs).
 */
export class RunnerIdentity {
  private name: Promise<string> | null = null;

  constructor(
    private readonly runner: CommandRunner,
    private readonly engine: string,
  ) {}

  username(): Promise<string> {
    this.name ??= runEngineCommand(this.runner, this.engine, { argv: ['/usr/bin/id', '-un'] }, 'id -un').then((r) => {
      const name = r.stdout.trim();
      if (r.code !== 0 || !name) throw new EngineUnavailableError(this.engine, `cannot tell the service account of engine ${this.engine}: id -un: ${r.stderr.trim() || `exit ${r.code}`}`);
      return name;
    });
    // A failure is not remembered: the next reconciliation asks again.
    return this.name.catch((e) => {
      this.name = null;
      throw e;
    });
  }
}
