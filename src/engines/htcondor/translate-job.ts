import { isAbsolute, posix } from 'node:path';
import { badInput, DomainError } from '../../common/domain-error';
import type { EngineJob } from '../engine';
import { DEFAULT_ARRAY_OUTPUT, DEFAULT_OUTPUT, resolveOutputPath } from '../shared/filename-pattern';
import { buildJobEnvironment, buildTaskEnvironment } from '../shared/job-environment';
import type { HtcondorPartition } from './htcondor-partition';
import { argumentsValue, classAdString, classAdValue, environmentValue, literal, perProcess } from './submit-language';

/**
 * JobSpec → an HTCondor submit description (DESIGN.md §2 "Translation"), given to `condor_submit -terse -`
 * on stdin. An array is one cluster of `queue N` processes; process k runs array task tasks[k], whose
 * index and job id reach the script through `$CHOICE(Process,…)`, so sparse and stepped lists keep
 * the SLURM_ARRAY_TASK_ID a script expects.
 */
export interface CondorSubmitPlan {
  engine: string;
  /** Folder (the owner's) holding the staged script and the job event log. */
  stageDir: string;
  /** The script as staged: the description's `executable`. */
  script: string;
  /** The submit description, exactly as condor_submit reads it. */
  description: string;
}

export interface TranslateContext {
  engine: string;
  site: string;
  clusterName: string;
  partition: HtcondorPartition;
  /** Engine `stageDir`: relative to the owner's home, or an absolute root with a folder per user. */
  stageRoot: string;
  requeueRetries: number;
  /**
   * True when the gateway has already honoured --hold and --begin (it hands a job to its engine only
   * once released and due), so the schedd must not hold or defer it again; false shows how HTCondor
   * itself would express them (`hpcg sbatch --test-only`).
   */
  gatesHonoured: boolean;
}

/**
 * Attributes every gateway submission carries: the job id and its random nonce for reconciliation (a
 * submitter can set any `+` attribute, so the id alone is forgeable), the site so gateways sharing a pool
 * never mix jobs.
 */
export const TAG_ATTRIBUTE = 'GatewayJobId';
export const NONCE_ATTRIBUTE = 'GatewayNonce';
export const SITE_ATTRIBUTE = 'GatewaySite';
/** Each process's array index, so that status and cancel speak in array indices, never in process numbers. */
export const INDEX_ATTRIBUTE = 'GatewayArrayIndex';

/** Variables that name the execute node, unknown at submission (the script's own `hostname` tells it). */
const NODE_VARIABLES = ['SLURM_JOB_NODELIST', 'SLURM_NODELIST', 'SLURMD_NODENAME'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function stageDirFor(job: EngineJob, stageRoot: string): string {
  if (isAbsolute(stageRoot)) return posix.join(stageRoot, job.owner.username, String(job.id));
  return posix.join(job.owner.home ?? job.workdir, stageRoot, String(job.id));
}

export function translateJob(job: EngineJob, ctx: TranslateContext): CondorSubmitPlan {
  try {
    return buildPlan(job, ctx);
  } catch (e) {
    if (e instanceof Error && !(e instanceof DomainError)) throw badInput(`job ${job.id} cannot be expressed for HTCondor engine ${ctx.engine}: ${e.message}`, { engine: ctx.engine });
    throw e;
  }
}

function buildPlan(job: EngineJob, ctx: TranslateContext): CondorSubmitPlan {
  const { spec } = job;
  const isArray = spec.array !== null || job.tasks.length > 0;
  if (isArray && job.tasks.length === 0) throw new Error('the array has no task left to run');
  if (spec.nodes && spec.nodes.min > 1) throw new Error(`--nodes=${spec.nodes.min}: an HTCondor job runs in one slot on one machine`);
  if (spec.memPerNodeMB === 0) throw new Error('--mem=0 (a whole node) has no meaning for an HTCondor slot; give a size');
  if (spec.gpus?.type) throw new Error(`--gpus type "${spec.gpus.type}": give a count only (GPU models are chosen by the partition's requirements)`);

  const stageDir = stageDirFor(job, ctx.stageRoot);
  const ntasks = spec.ntasks ?? spec.ntasksPerNode ?? 1;
  const cpus = ntasks * (spec.cpusPerTask ?? 1);
  const gpus = spec.gpus ? spec.gpus.count * (spec.gpus.per === 'task' ? ntasks : 1) : 0;
  const memoryMB = spec.memPerNodeMB ?? (spec.memPerCpuMB !== null ? spec.memPerCpuMB * cpus : spec.memPerGpuMB !== null && gpus > 0 ? spec.memPerGpuMB * gpus : ctx.partition.defaultMemPerCpuMB * cpus);

  const lines: string[] = [];
  const set = (key: string, value: string | number) => lines.push(`${key} = ${value}`);
  if (ctx.partition.image) {
    set('universe', 'container');
    set('container_image', literal(ctx.partition.image, 'the partition image'));
  } else set('universe', 'vanilla');
  set('executable', literal(posix.join(stageDir, 'script'), 'the stage folder'));
  if (spec.scriptArgs.length) set('arguments', argumentsValue(spec.scriptArgs));
  set('initialdir', literal(job.workdir, 'the working directory'));
  set('request_cpus', cpus);
  set('request_memory', `${memoryMB}MB`);
  if (gpus > 0) set('request_gpus', gpus);
  set('environment', environment(job, ctx, cpus, memoryMB));
  const output = perTaskPath(job, spec.output ?? (isArray ? DEFAULT_ARRAY_OUTPUT : DEFAULT_OUTPUT), 'the output file');
  set('output', output);
  // Without --error, Slurm writes stderr into the output file.
  set('error', spec.error ? perTaskPath(job, spec.error, 'the error file') : output);
  if (spec.input) set('input', perTaskPath(job, spec.input, 'the input file'));
  set('log', literal(posix.join(stageDir, 'events.log'), 'the stage folder'));
  set('should_transfer_files', 'IF_NEEDED');
  set('when_to_transfer_output', 'ON_EXIT');
  if (job.timeLimitMinutes !== null && job.timeLimitMinutes > 0) set('allowed_execute_duration', job.timeLimitMinutes * 60);
  if (spec.requeue) set('max_retries', ctx.requeueRetries);
  if (!ctx.gatesHonoured && spec.hold) set('hold', 'true');
  if (!ctx.gatesHonoured && spec.begin) {
    set('deferral_time', Math.ceil(new Date(spec.begin).getTime() / 1000));
    set('deferral_window', ctx.partition.beginWindowSeconds);
  }
  if (spec.array?.maxConcurrent) set('max_materialize', spec.array.maxConcurrent);
  const requirements = requirementsOf(ctx.partition);
  if (requirements) set('requirements', requirements);
  for (const [name, value] of Object.entries(ctx.partition.jobAttributes)) set(`+${name}`, literal(classAdValue(value), `job attribute ${name}`));
  set(`+${TAG_ATTRIBUTE}`, job.id);
  set(`+${NONCE_ATTRIBUTE}`, literal(classAdString(job.nonce), 'the job nonce'));
  set(`+${SITE_ATTRIBUTE}`, classAdString(ctx.site));
  if (isArray) set(`+${INDEX_ATTRIBUTE}`, perProcess(job.tasks.map((t) => String(t.index)), INDEX_ATTRIBUTE));
  set('+JobBatchName', literal(classAdString(spec.name), 'the job name'));
  lines.push(isArray ? `queue ${job.tasks.length}` : 'queue');
  return { engine: ctx.engine, stageDir, script: spec.script, description: `${lines.join('\n')}\n` };
}

function environment(job: EngineJob, ctx: TranslateContext, cpus: number, memoryMB: number): string {
  const env = buildJobEnvironment({
    job,
    host: '',
    clusterName: ctx.clusterName,
    srunDir: '',
    user: job.owner.username,
    uid: job.owner.uid ?? 0,
    gid: job.owner.gid ?? 0,
    home: job.owner.home,
    loginShell: '/bin/sh',
    ntasks: job.spec.ntasks ?? job.spec.ntasksPerNode ?? 1,
    cpusOnNode: cpus,
    hostMemoryMB: memoryMB,
  });
  // No srun shim on an execute node: PATH is the submitter's (or a login PATH) as it was.
  env.PATH = env.PATH.replace(/^:/, '');
  if (job.owner.uid === null) for (const name of ['SLURM_JOB_UID', 'SLURM_JOB_GID']) delete env[name];
  for (const name of NODE_VARIABLES) delete env[name];
  for (const name of Object.keys(env)) if (!ENV_NAME.test(name)) delete env[name];
  if (job.tasks.length === 0) return environmentValue({ ...env, ...buildTaskEnvironment(job, null) });
  const rawIds = perProcess(job.tasks.map((t) => String(t.rawId)), 'SLURM_JOB_ID');
  return environmentValue(env, { SLURM_JOB_ID: rawIds, SLURM_JOBID: rawIds, SLURM_ARRAY_TASK_ID: perProcess(job.tasks.map((t) => String(t.index)), 'SLURM_ARRAY_TASK_ID') });
}

/** sbatch's filename pattern expanded for every task; different paths become one `$CHOICE(Process,…)`. */
function perTaskPath(job: EngineJob, pattern: string, what: string): string {
  const ctx = (jobId: number, arrayIndex: number | null) => ({ jobId, arrayJobId: job.id, arrayIndex, jobName: job.spec.name, user: job.owner.username, host: '%N' });
  if (job.tasks.length === 0) return literal(resolveOutputPath(pattern, ctx(job.id, null), job.workdir), what);
  return perProcess(job.tasks.map((t) => resolveOutputPath(pattern, ctx(t.rawId, t.index), job.workdir)), what);
}

function requirementsOf(partition: HtcondorPartition): string | null {
  const terms = Object.entries(partition.machineAttributes).map(([name, value]) => `(TARGET.${name} == ${classAdValue(value)})`);
  if (partition.requirements) terms.push(`(${partition.requirements})`);
  return terms.length ? literal(terms.join(' && '), 'the partition requirements') : null;
}

