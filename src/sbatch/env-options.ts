import type { Occurrence } from './getopt';
import { optionById } from './option-table';
import { SbatchError, Source, detailValue, quoteValue, sourceDetails } from './sbatch-error';

/**
 * The input environment variables sbatch(1) reads (INPUT ENVIRONMENT VARIABLES), mapped to their
 * options. Only these: SBATCH_HOLD or SBATCH_NTASKS, for example, do not exist and are ignored.
 */
export const ENV_OPTION_IDS: Readonly<Record<string, string>> = {
  SBATCH_ACCOUNT: 'account',
  SBATCH_ACCTG_FREQ: 'acctg-freq',
  SBATCH_ARRAY_INX: 'array',
  SBATCH_BATCH: 'batch',
  SBATCH_CLUSTERS: 'clusters',
  SBATCH_CONSTRAINT: 'constraint',
  SBATCH_CONTAINER: 'container',
  SBATCH_CORE_SPEC: 'core-spec',
  SBATCH_CPUS_PER_GPU: 'cpus-per-gpu',
  SBATCH_DEBUG: 'verbose',
  SBATCH_DELAY_BOOT: 'delay-boot',
  SBATCH_DISTRIBUTION: 'distribution',
  SBATCH_ERROR: 'error',
  SBATCH_EXCLUSIVE: 'exclusive',
  SBATCH_EXPORT: 'export',
  SBATCH_GET_USER_ENV: 'get-user-env',
  SBATCH_GPU_BIND: 'gpu-bind',
  SBATCH_GPU_FREQ: 'gpu-freq',
  SBATCH_GPUS: 'gpus',
  SBATCH_GPUS_PER_NODE: 'gpus-per-node',
  SBATCH_GPUS_PER_TASK: 'gpus-per-task',
  SBATCH_GRES: 'gres',
  SBATCH_GRES_FLAGS: 'gres-flags',
  SBATCH_HINT: 'hint',
  SBATCH_IGNORE_PBS: 'ignore-pbs',
  SBATCH_INPUT: 'input',
  SBATCH_JOB_NAME: 'job-name',
  SBATCH_MEM_BIND: 'mem-bind',
  SBATCH_MEM_PER_CPU: 'mem-per-cpu',
  SBATCH_MEM_PER_GPU: 'mem-per-gpu',
  SBATCH_MEM_PER_NODE: 'mem',
  SBATCH_NETWORK: 'network',
  SBATCH_NO_KILL: 'no-kill',
  SBATCH_NO_REQUEUE: 'no-requeue',
  SBATCH_OPEN_MODE: 'open-mode',
  SBATCH_OUTPUT: 'output',
  SBATCH_OVERCOMMIT: 'overcommit',
  SBATCH_PARTITION: 'partition',
  SBATCH_POWER: 'power',
  SBATCH_PROFILE: 'profile',
  SBATCH_QOS: 'qos',
  SBATCH_REQ_SWITCH: 'switches',
  SBATCH_REQUEUE: 'requeue',
  SBATCH_RESERVATION: 'reservation',
  SBATCH_SIGNAL: 'signal',
  SBATCH_SPREAD_JOB: 'spread-job',
  SBATCH_THREAD_SPEC: 'thread-spec',
  SBATCH_THREADS_PER_CORE: 'threads-per-core',
  SBATCH_TIMELIMIT: 'time',
  SBATCH_USE_MIN_NODES: 'use-min-nodes',
  SBATCH_WAIT: 'wait',
  SBATCH_WAIT_ALL_NODES: 'wait-all-nodes',
  SBATCH_WAIT4SWITCH: 'switches',
  SBATCH_WCKEY: 'wckey',
  SLURM_CLUSTERS: 'clusters',
  SLURM_HINT: 'hint',
};

/** sbatch(1): a flag variable is on when empty, "yes" or a non-zero number; any other value leaves it off. */
function flagIsOn(value: string): boolean {
  return value === '' || /^yes$/i.test(value) || (/^[+-]?\d+$/.test(value) && Number(value) !== 0);
}

/**
 * The options set by the submitter's SBATCH_* variables, in the order sbatch applies them
 * (alphabetical, so SBATCH_REQUEUE wins over SBATCH_NO_REQUEUE as it does in sbatch).
 */
export function readEnvOptions(env: Record<string, string>): Occurrence[] {
  const occurrences: Occurrence[] = [];
  for (const variable of Object.keys(ENV_OPTION_IDS).sort()) {
    if (!Object.prototype.hasOwnProperty.call(env, variable)) continue;
    const value = env[variable];
    const def = optionById(ENV_OPTION_IDS[variable]);
    const source: Source = { kind: 'env', variable };
    if (variable === 'SBATCH_DEBUG') {
      // "Must be set to 0 or 1"; sbatch refuses a non-number like --verbose's numeric parser does.
      if (!/^[+-]?\d+$/.test(value)) {
        throw new SbatchError(`invalid ${variable} value ${quoteValue(value)}: expected 0 or 1`, {
          option: '--verbose',
          value: detailValue(value),
          allowed: '0 or 1',
          ...sourceDetails(source),
        });
      }
      if (Number(value) !== 0) occurrences.push({ def, value: null, source });
      continue;
    }
    if (def.arg === 'none') {
      if (flagIsOn(value)) occurrences.push({ def, value: null, source });
      continue;
    }
    occurrences.push({ def, value: def.arg === 'optional' && value === '' ? null : value, source });
  }
  return occurrences;
}
