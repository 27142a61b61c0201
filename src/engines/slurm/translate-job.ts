import { badInput } from '../../common/domain-error';
import type { JobSpec } from '../../domain/job';
import type { EngineJob, NativeDependency } from '../engine';
import { loginEnvironment, unpassableVariables, VARIABLE_NAME } from '../shared/job-environment';
import { toSlurmTime } from './slurm-states';

/**
 * JobSpec → what sbatch receives: options as argv (`--parsable`, no shell), the job's exported
 * environment as sbatch's own environment, the script on stdin. Hold and begin time are the gateway's
 * (it hands a job over only once it is eligible), so they never reach Slurm; dependencies on jobs of
 * this cluster arrive resolved to Slurm job ids (EngineJob.dependency) and become --dependency.
 */
export interface SbatchPlan {
  args: string[];
  /** sbatch's environment: with --export=ALL it is the job's. */
  env: Record<string, string>;
  /** The script as Slurm stores it (directives neutralised, see below). */
  script: string;
}

/**
 * Marks each submission with the gateway job id and its nonce (DESIGN.md §6.3): `hpcg:<site>:<id>:<nonce>`,
 * then the user's own comment after a space. Any Slurm user can write any --comment: the tag only names
 * the job; findByTag also checks the nonce and the Slurm owner (reconcile-tag.ts).
 */
export function jobTag(site: string, jobId: number, nonce: string): string {
  return `hpcg:${site}:${jobId}:${nonce}`;
}

/**
 * Whether a comment claims to be this gateway job's tag: null when it does not; otherwise the nonce it
 * carries (null for a tag without one: an older gateway's `hpcg:<site>:<id>`, or a forgery).
 */
export function claimedNonce(comment: string, site: string, jobId: number): { nonce: string | null } | null {
  const bare = `hpcg:${site}:${jobId}`;
  if (comment === bare || comment.startsWith(`${bare} `)) return { nonce: null };
  if (!comment.startsWith(`${bare}:`)) return null;
  const rest = comment.slice(bare.length + 1);
  const end = rest.indexOf(' ');
  return { nonce: end === -1 ? rest : rest.slice(0, end) };
}

/** The submitter's SLURM_* and SBATCH_* variables would re-configure sbatch itself; the gateway already read them. */
const SBATCH_OWN_VARIABLE = /^(SBATCH_|SLURM_)/;

export function translateJob(job: EngineJob, site: string): SbatchPlan {
  const spec = job.spec;
  const args: string[] = ['--parsable', `--job-name=${spec.name}`, `--chdir=${job.workdir}`];
  const tag = jobTag(site, job.id, job.nonce);
  const comment = spec.comment ? `${tag} ${spec.comment}` : tag;
  args.push(`--comment=${comment}`);
  if (job.enginePartition) args.push(`--partition=${job.enginePartition}`);
  if (job.timeLimitMinutes !== null) args.push(`--time=${job.timeLimitMinutes === -1 ? 'UNLIMITED' : job.timeLimitMinutes}`);
  if (spec.timeMinMinutes !== null) args.push(`--time-min=${spec.timeMinMinutes}`);
  args.push(...resourceArgs(spec));
  const array = arrayArg(job);
  if (array) args.push(array);
  if (spec.output) args.push(`--output=${spec.output}`);
  if (spec.error) args.push(`--error=${spec.error}`);
  if (spec.input) args.push(`--input=${spec.input}`);
  if (spec.openMode) args.push(`--open-mode=${spec.openMode}`);
  args.push(...policyArgs(spec));
  if (job.dependency) args.push(`--dependency=${dependencyArg(job.dependency)}`);
  const { arg: exportArg, env } = exportPlan(job);
  args.push(exportArg);
  // With arguments for the script, sbatch must be given a script file: stdin is one.
  if (spec.scriptArgs.length) args.push('/dev/stdin', ...spec.scriptArgs);
  return { args, env, script: neutraliseDirectives(spec.script) };
}

function resourceArgs(spec: JobSpec): string[] {
  const a: string[] = [];
  if (spec.nodes) a.push(`--nodes=${spec.nodes.min === spec.nodes.max ? spec.nodes.min : `${spec.nodes.min}-${spec.nodes.max}`}`);
  if (spec.ntasks !== null) a.push(`--ntasks=${spec.ntasks}`);
  if (spec.ntasksPerNode !== null) a.push(`--ntasks-per-node=${spec.ntasksPerNode}`);
  if (spec.cpusPerTask !== null) a.push(`--cpus-per-task=${spec.cpusPerTask}`);
  if (spec.memPerNodeMB !== null) a.push(`--mem=${spec.memPerNodeMB}M`);
  if (spec.memPerCpuMB !== null) a.push(`--mem-per-cpu=${spec.memPerCpuMB}M`);
  if (spec.memPerGpuMB !== null) a.push(`--mem-per-gpu=${spec.memPerGpuMB}M`);
  if (spec.gpus) {
    const value = `${spec.gpus.type ? `${spec.gpus.type}:` : ''}${spec.gpus.count}`;
    a.push(spec.gpus.per === 'job' ? `--gpus=${value}` : `--gpus-per-${spec.gpus.per}=${value}`);
  }
  if (spec.constraint) a.push(`--constraint=${spec.constraint}`);
  if (spec.exclusive) a.push(spec.exclusiveScope ? `--exclusive=${spec.exclusiveScope}` : '--exclusive');
  if (spec.oversubscribe) a.push('--oversubscribe');
  if (spec.nodeList) a.push(`--nodelist=${spec.nodeList}`);
  if (spec.excludeNodes) a.push(`--exclude=${spec.excludeNodes}`);
  if (spec.licenses?.length) a.push(`--licenses=${spec.licenses.map((l) => `${l.name}:${l.count}`).join(',')}`);
  return a;
}

function policyArgs(spec: JobSpec): string[] {
  const a: string[] = [];
  if (spec.account) a.push(`--account=${spec.account}`);
  if (spec.qos) a.push(`--qos=${spec.qos}`);
  if (spec.requeue !== null) a.push(spec.requeue ? '--requeue' : '--no-requeue');
  if (spec.deadline) a.push(`--deadline=${toSlurmTime(new Date(spec.deadline))}`);
  if (spec.signal) a.push(`--signal=${spec.signal.batchOnly ? 'B:' : ''}${spec.signal.signal}@${spec.signal.seconds}`);
  if (spec.mailType.length) a.push(`--mail-type=${spec.mailType.join(',')}`);
  if (spec.mailUser) a.push(`--mail-user=${spec.mailUser}`);
  if (spec.nice !== null) a.push(`--nice=${spec.nice}`);
  if (spec.priority !== undefined) a.push(`--priority=${spec.priority}`);
  if (spec.reservations?.length) a.push(`--reservation=${spec.reservations.join(',')}`);
  if (spec.noKill !== undefined) a.push(spec.noKill ? '--no-kill' : '--no-kill=off');
  if (spec.propagate?.length) a.push(`--propagate=${spec.propagate.join(',')}`);
  if (spec.getUserEnv) a.push(`--get-user-env${spec.getUserEnv.timeoutSeconds !== null || spec.getUserEnv.mode ? `=${spec.getUserEnv.timeoutSeconds ?? ''}${spec.getUserEnv.mode ?? ''}` : ''}`);
  return a;
}

/** Slurm's syntax: `afterok:12:13_4,after:14+5`; `?` instead of `,` when any one item is enough. */
export function dependencyArg(dependency: NativeDependency): string {
  const items = dependency.items.map((item) => {
    const delay = item.type === 'after' && item.delayMinutes ? `+${item.delayMinutes}` : '';
    return [item.type, ...item.targets.map((t) => `${t.arrayIndex === null ? t.ref : `${t.ref}_${t.arrayIndex}`}${delay}`)].join(':');
  });
  return items.join(dependency.mode === 'any' ? '?' : ',');
}

/** The remaining tasks (some may have been cancelled in the gateway before submission) as Slurm's index list. */
function arrayArg(job: EngineJob): string | null {
  if (job.spec.array === null && job.tasks.length === 0) return null;
  if (job.tasks.length === 0) throw badInput(`job ${job.id} has no array task left to run`, { field: 'array' });
  const ranges: string[] = [];
  const idx = job.tasks.map((t) => t.index);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j] + 1) j++;
    ranges.push(i === j ? `${idx[i]}` : `${idx[i]}-${idx[j]}`);
    i = j + 1;
  }
  const throttle = job.spec.array?.maxConcurrent;
  return `--array=${ranges.join(',')}${throttle ? `%${throttle}` : ''}`;
}

/**
 * --export semantics (DESIGN.md §9): values travel in sbatch's environment, never in the option
 * (Slurm splits --export at commas, and a value may hold any character); the option names only which.
 * sbatch runs with exactly that environment, and slurmd adds no HOME or PATH: under ALL the submitter's
 * environment lies over a login base with the owner's home, as on the local engine, so a job submitted
 * through the API (a notebook) still has HOME, USER and PATH.
 */
function exportPlan(job: EngineJob): { arg: string; env: Record<string, string> } {
  const { spec, owner } = job;
  const env: Record<string, string> = {};
  const base = spec.export.mode === 'ALL' ? { ...loginEnvironment(owner.username, owner.home, null), ...spec.environment, ...(owner.home ? { HOME: owner.home } : {}) } : {};
  // A name that is not an identifier cannot be handed to sbatch (see droppedVariables): it is left out, and noted.
  for (const [k, v] of Object.entries(base)) if (!SBATCH_OWN_VARIABLE.test(k) && VARIABLE_NAME.test(k)) env[k] = v;
  const named = Object.entries(spec.export.vars);
  for (const [k, v] of named) {
    const value = v ?? spec.environment[k];
    if (value !== undefined) env[k] = value;
  }
  if (spec.export.mode === 'ALL') return { arg: '--export=ALL', env };
  const names = named.map(([k]) => k).filter((k) => k in env);
  if (names.length === 0) return { arg: `--export=${spec.export.mode}`, env };
  return { arg: `--export=${names.join(',')}`, env };
}

/** The submitter's variables `--export=ALL` would carry that the job does not get (their names are not identifiers). */
export function droppedVariables(job: EngineJob): string[] {
  return job.spec.export.mode === 'ALL' ? unpassableVariables(job.spec.environment) : [];
}

/**
 * Slurm would read the script's `#SBATCH` lines again, and some of them mean something else there:
 * `--dependency` names gateway job ids, `--hold` and `--begin` were already honoured by the gateway.
 * Every option is on the command line, so the directives are turned into plain comments.
 */
export function neutraliseDirectives(script: string): string {
  const lines = script.split('\n');
  for (let i = lines[0]?.startsWith('#!') ? 1 : 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) break;
    if (line.startsWith('#SBATCH')) lines[i] = `#HPCG-SBATCH${line.slice('#SBATCH'.length)}`;
  }
  return lines.join('\n');
}
