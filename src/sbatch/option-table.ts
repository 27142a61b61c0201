/**
 * sbatch's option table, as Slurm 22.05 declares it to getopt_long. The order matters: it is the
 * order getopt lists candidates of an ambiguous prefix in. Every real option is here, supported or
 * not, so prefixes resolve exactly as in sbatch (`--ex` is ambiguous between five options, `--mem`
 * is exact); options this gateway cannot honour are refused by name instead of being "unknown".
 */

export type ArgKind = 'none' | 'required' | 'optional';

export interface OptionDef {
  /** Long name without dashes, as typed (`tasks-per-node`). */
  name: string;
  /** Canonical long name shared by aliases (`ntasks-per-node`); getopt treats equal ids as one option. */
  id: string;
  arg: ArgKind;
}

const required = (name: string, id = name): OptionDef => ({ name, id, arg: 'required' });
const none = (name: string, id = name): OptionDef => ({ name, id, arg: 'none' });
const optional = (name: string, id = name): OptionDef => ({ name, id, arg: 'optional' });

export const LONG_OPTIONS: readonly OptionDef[] = [
  required('account'),
  required('acctg-freq'),
  required('array'),
  required('batch'),
  required('begin'),
  required('bb'),
  required('bbf'),
  required('cluster-constraint'),
  required('chdir'),
  required('cluster', 'clusters'),
  required('clusters'),
  required('comment'),
  required('container'),
  required('context'),
  none('contiguous'),
  required('constraint'),
  required('core-spec'),
  required('cores-per-socket'),
  required('cpu-freq'),
  required('cpus-per-gpu'),
  required('cpus-per-task'),
  required('deadline'),
  required('delay-boot'),
  required('dependency'),
  required('distribution'),
  required('error'),
  required('exclude'),
  optional('exclusive'),
  required('export'),
  required('export-file'),
  required('extra-node-info'),
  optional('get-user-env'),
  required('gid'),
  required('gpu-bind'),
  required('gpu-freq'),
  required('gpus'),
  required('gpus-per-node'),
  required('gpus-per-socket'),
  required('gpus-per-task'),
  required('gres'),
  required('gres-flags'),
  none('help'),
  required('hint'),
  none('hold'),
  none('ignore-pbs'),
  required('input'),
  required('job-name'),
  // Not in 22.05's sbatch; the gateway's machine-readable output (`--test-only --json`).
  none('json'),
  required('kill-on-invalid-dep'),
  required('licenses'),
  required('mail-type'),
  required('mail-user'),
  required('mcs-label'),
  required('mem'),
  required('mem-bind'),
  required('mem-per-cpu'),
  required('mem-per-gpu'),
  required('mincpus'),
  required('network'),
  optional('nice'),
  optional('no-kill'),
  none('no-requeue'),
  required('nodefile'),
  required('nodelist'),
  required('nodes'),
  required('ntasks'),
  required('ntasks-per-core'),
  required('ntasks-per-gpu'),
  required('ntasks-per-node'),
  required('ntasks-per-socket'),
  required('ntasks-per-tres'),
  required('open-mode'),
  required('output'),
  none('overcommit'),
  none('oversubscribe'),
  none('parsable'),
  required('partition'),
  required('power'),
  required('prefer'),
  required('priority'),
  required('profile'),
  optional('propagate'),
  required('qos'),
  none('quiet'),
  none('reboot'),
  none('requeue'),
  required('reservation'),
  required('signal'),
  required('sockets-per-node'),
  none('spread-job'),
  required('switches'),
  required('tasks-per-node', 'ntasks-per-node'),
  none('test-only'),
  required('thread-spec'),
  required('threads-per-core'),
  required('time'),
  required('time-min'),
  required('tmp'),
  required('uid'),
  none('use-min-nodes'),
  none('usage'),
  none('verbose'),
  none('version'),
  none('wait'),
  required('wait-all-nodes'),
  required('wckey'),
  required('wrap'),
];

/** sbatch's short options (its getopt string), each an alias of a long option. */
export const SHORT_OPTIONS: Readonly<Record<string, OptionDef>> = {
  A: required('A', 'account'),
  B: required('B', 'extra-node-info'),
  C: required('C', 'constraint'),
  D: required('D', 'chdir'),
  F: required('F', 'nodefile'),
  G: required('G', 'gpus'),
  H: none('H', 'hold'),
  J: required('J', 'job-name'),
  L: required('L', 'licenses'),
  M: required('M', 'clusters'),
  N: required('N', 'nodes'),
  O: none('O', 'overcommit'),
  Q: none('Q', 'quiet'),
  S: required('S', 'core-spec'),
  V: none('V', 'version'),
  W: none('W', 'wait'),
  a: required('a', 'array'),
  b: required('b', 'begin'),
  c: required('c', 'cpus-per-task'),
  d: required('d', 'dependency'),
  e: required('e', 'error'),
  h: none('h', 'help'),
  i: required('i', 'input'),
  k: optional('k', 'no-kill'),
  m: required('m', 'distribution'),
  n: required('n', 'ntasks'),
  o: required('o', 'output'),
  p: required('p', 'partition'),
  q: required('q', 'qos'),
  s: none('s', 'oversubscribe'),
  t: required('t', 'time'),
  v: none('v', 'verbose'),
  w: required('w', 'nodelist'),
  x: required('x', 'exclude'),
};

const BY_ID = new Map<string, OptionDef>();
for (const def of LONG_OPTIONS) if (def.name === def.id) BY_ID.set(def.id, def);

/** The canonical long spelling of an option id, for messages: `--ntasks-per-node`. */
export function optionLabel(id: string): string {
  return `--${BY_ID.get(id)?.name ?? id}`;
}

export function optionById(id: string): OptionDef {
  const def = BY_ID.get(id);
  if (!def) throw new Error(`sbatch option table has no option "${id}"`);
  return def;
}
