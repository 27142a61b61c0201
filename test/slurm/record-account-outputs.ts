/**
 * Records what the real Slurm 22.05 of test/support/slurm-cluster.ts (with slurmdbd, no associations
 * added) prints for the account queries tools make (sacctmgr, sshare) and for the commands given
 * `-M/--clusters`, into test/slurm/recorded/accounts/. Compared by src/cli/commands/*.client.spec.ts.
 * Run as root, from the repository:
 *
 *   npx tsc --outDir /tmp/hpcg-record --rootDir . --module commonjs --target es2022 --esModuleInterop \
 *     --skipLibCheck test/slurm/record-account-outputs.ts && node /tmp/hpcg-record/test/slurm/record-account-outputs.js
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SlurmCluster } from '../support/slurm-cluster';

const OUT = join(process.cwd(), 'test', 'slurm', 'recorded', 'accounts');
const USER = 'hpcg-slurm-a';

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const cluster = await SlurmCluster.start({ accounting: true });
  const name = cluster.state.clusterName;
  const env = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', ...cluster.env, TZ: 'UTC', LC_ALL: 'C' };
  const run = (argv: string[]) => {
    const r = spawnSync('runuser', ['-u', USER, '--', ...argv], { env, cwd: '/tmp', encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
  };
  const recordings: { name: string; argv: string[]; at: number; code: number }[] = [];
  const record = (file: string, argv: string[]) => {
    const at = Math.floor(Date.now() / 1000);
    const r = run(argv);
    writeFileSync(join(OUT, `${file}.out`), r.out);
    if (r.err) writeFileSync(join(OUT, `${file}.err`), r.err);
    recordings.push({ name: file, argv, at, code: r.code });
    return r;
  };
  try {
    // Open OnDemand's and Snakemake's calls, and the same without -n/-P to see the headers.
    record('sacctmgr-ood', ['sacctmgr', '-nP', 'show', 'users', 'withassoc', 'format=account,qos', 'where', `user=${USER}`]);
    record('sacctmgr-ood-header', ['sacctmgr', 'show', 'users', 'withassoc', 'format=account,qos', 'where', `user=${USER}`]);
    record('sacctmgr-ood-parsable-header', ['sacctmgr', '-P', 'show', 'users', 'withassoc', 'format=account,qos', 'where', `user=${USER}`]);
    record('sacctmgr-snakemake', ['sacctmgr', '-n', '-s', 'list', 'user', USER, 'format=account%256']);
    record('sacctmgr-snakemake-header', ['sacctmgr', '-s', 'list', 'user', USER, 'format=account%20']);
    record('sacctmgr-default-header', ['sacctmgr', 'show', 'user', USER]);
    record('sacctmgr-bad-entity', ['sacctmgr', 'show', 'bogus']);
    record('sacctmgr-bad-field', ['sacctmgr', 'show', 'user', 'format=nosuchfield']);
    record('sshare-snakemake', ['sshare', '-U', '--format', 'Account%256', '--noheader']);
    record('sshare-header', ['sshare', '-U', '--format', 'Account%20']);
    record('sshare-default', ['sshare', '-U']);
    // -M/--clusters with the cluster's own name, as OOD passes it, and `all` as Snakemake's sacct does.
    const job = record('sbatch-clusters', ['sbatch', '-M', name, '--chdir=/tmp', '-o', '/dev/null', '-J', 'mjob', '--wrap', 'sleep 60']);
    const id = /(\d+)/.exec(job.out)?.[1] ?? '0';
    record('sbatch-clusters-parsable', ['sbatch', '--parsable', '-M', name, '--chdir=/tmp', '-o', '/dev/null', '-J', 'mjob2', '--wrap', 'sleep 60']);
    spawnSync('sleep', ['2']);
    record('squeue-clusters', ['squeue', '-M', name, '-o', '%i %j %T']);
    record('squeue-clusters-noheader', ['squeue', '-h', '--clusters', name, '-o', '%i %j %T']);
    record('squeue-clusters-unknown', ['squeue', '-M', 'nosuchcluster']);
    record('sinfo-clusters', ['sinfo', '-M', name, '-o', '%P %a']);
    record('sinfo-clusters-noheader', ['sinfo', '-h', '-M', name, '-o', '%P %a']);
    record('scontrol-clusters', ['scontrol', '-M', name, 'show', 'partition', 'debug']);
    record('scancel-clusters', ['scancel', '-M', name, id]);
    spawnSync('sleep', ['6']);
    record('sacct-clusters', ['sacct', '-M', name, '-X', '-j', id, '-o', 'JobID,JobName,State']);
    record('sacct-clusters-all', ['sacct', '--clusters', 'all', '-n', '-X', '-j', id, '-o', 'JobID,JobName,State']);
    record('sacct-clusters-unknown', ['sacct', '-M', 'nosuchcluster', '-X', '-j', id]);
    writeFileSync(join(OUT, 'scenario.json'), `${JSON.stringify({ cluster: name, user: USER, job: id, recordings }, null, 2)}\n`);
  } finally {
    await cluster.stop();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
