/**
 * Records what the real Slurm 22.05 of test/support/slurm-cluster.ts (with slurmdbd) prints for the
 * calls Open OnDemand's Slurm adapter, batchspawner's SlurmSpawner and Snakemake's Slurm plugin make,
 * into test/slurm/recorded/clients/. The CLI's client specs compare the shims' output with these files
 * byte for byte (src/cli/commands/slurm-clients.client.spec.ts). Run as root, from the repository:
 *
 *   npx tsc --outDir /tmp/hpcg-record --rootDir . --module commonjs --target es2022 --esModuleInterop \
 *     --skipLibCheck test/slurm/record-client-outputs.ts && node /tmp/hpcg-record/test/slurm/record-client-outputs.js
 *
 * The scenario (users, jobs, the moments of each call) is written to scenario.json beside the outputs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SlurmCluster } from '../support/slurm-cluster';

const OUT = join(process.cwd(), 'test', 'slurm', 'recorded', 'clients');
const USER = 'hpcg-slurm-a';
const OTHER = 'hpcg-slurm-b';
const US = '\x1f';
const RS = '\x1e';

/** OOD's 50 -O fields (ood_core lib/ood_core/job/adapters/slurm.rb, all_squeue_fields), in its order. */
export const OOD_SQUEUE_FIELDS = [
  'Account', 'JobID', 'BatchHost', 'MinCpus', 'NumCPUs', 'MinTmpDisk', 'NumNodes', 'EndTime', 'Dependency', 'Feature',
  'ArrayJobID', 'GroupName', 'GroupID', 'OverSubscribe', 'Sockets', 'JobArrayID', 'Cores', 'Name', 'Threads', 'Comment',
  'ArrayTaskID', 'TimeLimit', 'TimeLeft', 'MinMemory', 'TimeUsed', 'ReqNodes', 'NodeList', 'Command', 'Contiguous', 'QOS',
  'Partition', 'PriorityLong', 'Reason', 'StartTime', 'StateCompact', 'State', 'UserName', 'UserID', 'Reservation', 'SubmitTime',
  'WCKey', 'Licenses', 'ExcNodes', 'CoreSpec', 'Nice', 'SchedNodes', 'SCT', 'WorkDir', 'tres-alloc', 'tres-per-node',
];
/** OOD's squeue_args: each field with the unit separator as suffix, and a trailing comma. */
export const OOD_SQUEUE_FORMAT = [...OOD_SQUEUE_FIELDS, ''].join(`:${US},`);
export const OOD_SACCT_FIELDS = 'User,Group,JobId,JobName,Elapsed,ReqMem,AllocCPUS,ReqCPUS,Timelimit,State,TotalCPU,MaxRSS,Partition,Submit,Start,End,ReqTRES';

interface Recording {
  name: string;
  as: string;
  argv: string[];
  at: number;
  code: number;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const cluster = await SlurmCluster.start({ accounting: true });
  const env = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', ...cluster.env, TZ: 'UTC', LC_ALL: 'C' };
  const run = (as: string, argv: string[]) => {
    const full = as === 'root' ? argv : ['runuser', '-u', as, '--', ...argv];
    const r = spawnSync(full[0], full.slice(1), { env, cwd: '/tmp', encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const sbatch = (as: string, ...args: string[]) => run(as, ['sbatch', '--parsable', '--chdir=/tmp', '-o', '/dev/null', ...args]).out.trim();
  const recordings: Recording[] = [];
  const record = (name: string, as: string, argv: string[]) => {
    // Times in the output are the command's "now": take it again when a second boundary passed.
    let at: number;
    let r: ReturnType<typeof run>;
    do {
      at = Math.floor(Date.now() / 1000);
      r = run(as, argv);
    } while (Math.floor(Date.now() / 1000) !== at);
    writeFileSync(join(OUT, `${name}.out`), r.out);
    if (r.err) writeFileSync(join(OUT, `${name}.err`), r.err);
    recordings.push({ name, as, argv, at, code: r.code });
  };

  try {
    const uid = (u: string) => Number(execFileSync('id', ['-u', u], { encoding: 'utf8' }).trim());
    const jobs: Record<string, string> = {};
    jobs.run = sbatch(USER, '-J', 'run', '-c', '2', '--mem=200M', '-t', '10', '--wrap', 'sleep 600');
    jobs.held = sbatch(USER, '-J', 'held', '-H', '--wrap', 'true');
    jobs.ok = sbatch(USER, '-J', 'ok', '--wrap', 'true');
    jobs.canc = sbatch(USER, '-J', 'canc', '--wrap', 'sleep 600');
    jobs.bad = sbatch(USER, '-J', 'bad', '--wrap', 'exit 3');
    jobs.arr = sbatch(USER, '-J', 'arr', '--array=0-2%1', '--wrap', 'sleep 600');
    jobs.other = sbatch(OTHER, '-J', 'other', '--wrap', 'sleep 600');
    await sleep(4000);
    run(USER, ['scancel', jobs.canc]);
    // slurmdbd records reach sacct a few seconds late.
    await sleep(6000);

    // batchspawner's SlurmSpawner: batch_query_cmd for a running and a pending job.
    record('batchspawner-query-running', USER, ['squeue', '-h', '-j', jobs.run, '-o', '%T %B']);
    record('batchspawner-query-pending', USER, ['squeue', '-h', '-j', jobs.held, '-o', '%T %B']);
    // Open OnDemand: info_all, info(id), info_where_owner, cluster_info, nodes, queues, accounts, info_historic.
    record('ood-squeue-all', USER, ['squeue', '--all', '--states=all', '--noconvert', '-O', OOD_SQUEUE_FORMAT]);
    record('ood-squeue-job', USER, ['squeue', '--all', '--states=all', '--noconvert', '-O', OOD_SQUEUE_FORMAT, '-j', jobs.run]);
    record('ood-squeue-owner', USER, ['squeue', '--all', '--states=all', '--noconvert', '-O', OOD_SQUEUE_FORMAT, '-u', USER]);
    record('ood-sinfo-counts', USER, ['sinfo', '-aho %F/%C']);
    record('ood-sinfo-gres', USER, ['sinfo', '-ahNO', 'nodehost:100,gres:512,gresused:512,statelong']);
    record('ood-sinfo-nodes', USER, ['sinfo', '-ho', `${RS}%c${US}%n${US}%f`]);
    record('ood-scontrol-part', USER, ['scontrol', 'show', 'part', '-o']);
    record('ood-sacctmgr-accounts', USER, ['sacctmgr', '-nP', 'show', 'users', 'withassoc', 'format=account,qos', 'where', `user=${USER}`]);
    record('ood-sacct', USER, ['sacct', '-P', '--delimiter', US, '-n', '--units', 'G', '--allocations', '-o', OOD_SACCT_FIELDS, '-j', Object.values(jobs).join(',')]);
    // Snakemake's Slurm executor plugin.
    record('snakemake-scontrol-config', USER, ['scontrol', 'show', 'config']);
    record('snakemake-sshare', USER, ['sshare', '-U', '--format', 'Account%256', '--noheader']);
    record('snakemake-sacctmgr', USER, ['sacctmgr', '-n', '-s', 'list', 'user', USER, 'format=account%256']);
    record('snakemake-sacct-account', USER, ['sacct', '-nu', USER, '-o', 'Account%256']);
    record('snakemake-scontrol-partition', USER, ['scontrol', 'show', 'partition']);
    // The other cases.
    record('sacct-cancelled', USER, ['sacct', '-P', '-n', '-X', '-j', jobs.canc, '-o', 'JobID,State,ExitCode,Account']);
    record('sacct-admin-other-user', 'root', ['sacct', '-P', '-n', '-X', '-j', jobs.other, '-o', 'JobID,User,State']);
    record('sacct-user-other-user', USER, ['sacct', '-P', '-n', '-X', '-j', jobs.other, '-o', 'JobID,User,State']);
    record('sacct-default', USER, ['sacct', '-j', Object.values(jobs).join(',')]);
    record('scontrol-show-job', USER, ['scontrol', 'show', 'job', jobs.run]);
    record('scontrol-show-job-pending', USER, ['scontrol', 'show', 'job', jobs.held]);
    record('scontrol-show-partition-debug', USER, ['scontrol', 'show', 'partition', 'debug']);
    record('squeue-json', USER, ['squeue', '--json']);
    record('sinfo-json', USER, ['sinfo', '--json']);
    record('sacct-json', USER, ['sacct', '--json', '-j', `${jobs.ok},${jobs.canc}`]);
    record('squeue-every-letter', USER, ['squeue', '-a', '--states=all', '-o', LETTERS.map((c) => `%${c}`).join('|')]);
    record('squeue-every-field', USER, ['squeue', '-a', '--states=all', '-O', LONG_FIELDS.map((f) => `${f}:|`).join(',')]);
    record('squeue-default', USER, ['squeue']);
    record('squeue-long', USER, ['squeue', '-l']);
    record('squeue-unknown-letter', USER, ['squeue', '-h', '-o', '%i %! %B']);

    writeFileSync(
      join(OUT, 'scenario.json'),
      `${JSON.stringify({ node: cluster.state.nodeName, cluster: cluster.state.clusterName, users: { [USER]: uid(USER), [OTHER]: uid(OTHER) }, jobs, recordings, squeueAll: run('root', ['squeue', '-a', '--states=all', '-o', '%i|%A|%T|%V|%S|%e|%N|%B|%r']).out }, null, 2)}\n`,
    );
  } finally {
    await cluster.stop();
  }
}

/** Every `squeue -O` field 22.05 parses (src/squeue/opts.c parse_long_format), and one it does not. */
const LONG_FIELDS = [
  'Account', 'AccrueTime', 'admin_comment', 'AllocNodes', 'AllocSID', 'ArrayJobID', 'ArrayTaskID', 'AssocID', 'BatchFlag', 'BatchHost',
  'BoardsPerNode', 'BurstBuffer', 'BurstBufferState', 'Cluster', 'ClusterFeature', 'Command', 'Comment', 'Container', 'Contiguous', 'Cores',
  'CoreSpec', 'CPUsPerTask', 'cpus-per-tres', 'Deadline', 'DelayBoot', 'Dependency', 'DerivedEC', 'EligibleTime', 'EndTime', 'exit_code',
  'Feature', 'GroupID', 'GroupName', 'HetJobID', 'HetJobIDSet', 'HetJobOffset', 'JobArrayID', 'JobID', 'LastSchedEval', 'Licenses',
  'MaxCPUs', 'MaxNodes', 'MCSLabel', 'mem-per-tres', 'MinCpus', 'MinMemory', 'MinTime', 'MinTmpDisk', 'Name', 'Network', 'Nice',
  'NodeList', 'NTPerBoard', 'NTPerCore', 'NTPerNode', 'NTPerSocket', 'NumCPUs', 'NumNodes', 'NumTasks', 'Origin', 'OriginRaw',
  'OverSubscribe', 'Partition', 'PendingTime', 'PreemptTime', 'Prefer', 'Priority', 'PriorityLong', 'Profile', 'QOS', 'Reason',
  'ReasonList', 'Reboot', 'ReqNodes', 'ReqSwitch', 'Requeue', 'Reservation', 'ResizeTime', 'RestartCnt', 'SchedNodes', 'SCT',
  'SelectJobInfo', 'SiblingsActive', 'SiblingsActiveRaw', 'SiblingsViable', 'SiblingsViableRaw', 'Sockets', 'SPerBoard', 'StartTime',
  'State', 'StateCompact', 'STDERR', 'STDIN', 'STDOUT', 'StepID', 'SubmitTime', 'system_comment', 'Threads', 'TimeLeft', 'TimeLimit',
  'TimeUsed', 'tres-alloc', 'tres-bind', 'tres-freq', 'tres-per-job', 'tres-per-node', 'tres-per-socket', 'tres-per-task', 'UserID',
  'UserName', 'Wait4Switch', 'WCKey', 'WorkDir', 'ExcNodes',
];

/** Every `squeue -o` letter 22.05 documents. */
const LETTERS = [...'aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsSStTuUvVwWxXyYzZ'].filter((c, i, all) => all.indexOf(c) === i);

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
