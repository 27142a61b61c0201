import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { ownedDir, testJobIdentity } from '../test/support/test-accounts';
import { join } from 'node:path';
import { GatewayFixture } from '../test/support/gateway-fixture';
import { bin } from '../test/support/gateway-process';

/**
 * Debian's Snakemake runs a three-rule workflow with --cluster / --cluster-status / --cluster-cancel
 * through the Slurm shims, so a tool that knows only Slurm's command names drives the gateway.
 */

const WORKFLOW = `
rule all:
    input: "c.txt"

rule a:
    output: "a.txt"
    shell: "echo a from $SLURM_JOB_ID > {output}"

rule b:
    input: "a.txt"
    output: "b.txt"
    shell: "cat {input} > {output} && echo b >> {output}"

rule c:
    input: "b.txt"
    output: "c.txt"
    shell: "cat {input} > {output} && echo c >> {output}"
`;

// Snakemake's --cluster-status contract: print success, failed or running.
const STATUS = `#!/bin/sh
state=$(sacct -j "$1" -X -n -P -o State | head -n 1 | cut -d' ' -f1)
case "$state" in
  COMPLETED) echo success ;;
  FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE) echo failed ;;
  *) echo running ;;
esac
`;

describe('Snakemake through the Slurm shims', () => {
  jest.setTimeout(240_000);
  let gw: GatewayFixture;

  beforeAll(async () => {
    gw = await GatewayFixture.start();
    await gw.startWorker();
  });
  afterAll(() => gw?.stop());

  it('runs a three-rule workflow to the end', async () => {
    const token = await gw.user('snake');
    const shims = join(gw.dir, 'bin');
    const work = join(gw.dir, 'wf');
    // The rules' jobs run as the user's Unix account (never as root) and write their outputs here.
    ownedDir(work);
    ownedDir(join(work, 'logs'));
    writeFileSync(join(work, 'Snakefile'), WORKFLOW);
    writeFileSync(join(work, 'status.sh'), STATUS);
    chmodSync(join(work, 'status.sh'), 0o755);

    const env = { PATH: `${shims}:/usr/bin:/bin`, HOME: gw.dir, HPCG_URL: gw.url, HPCG_TOKEN: token, LC_ALL: 'C.UTF-8' };
    const shim = spawnSync(process.execPath, [bin('hpcg'), 'shims', shims], { env, encoding: 'utf8' });
    expect(shim.status).toBe(0);
    expect(readdirSync(shims).sort()).toEqual(expect.arrayContaining(['sacct', 'sbatch', 'scancel', 'squeue', 'sinfo']));

    // Snakemake runs as the user its jobs run as (as on a real cluster): they share its .snakemake folder.
    const asUser = process.getuid?.() === 0 ? ['/usr/sbin/runuser', '-u', testJobIdentity().username, '--'] : [];
    const r = spawnSync(
      asUser[0] ?? '/usr/bin/snakemake',
      [
        ...(asUser.length ? [...asUser.slice(1), '/usr/bin/snakemake'] : []),
        '--jobs', '2',
        '--cluster', 'sbatch --parsable -J smk-{rule} -o logs/{rule}-%j.out',
        '--cluster-status', './status.sh',
        '--cluster-cancel', 'scancel',
        '--latency-wait', '10',
        '--max-status-checks-per-second', '5',
      ],
      { cwd: work, env, encoding: 'utf8', timeout: 200_000 },
    );
    if (r.status !== 0) throw new Error(`snakemake exited ${r.status}\n${r.stdout}\n${r.stderr}`);
    expect(readFileSync(join(work, 'c.txt'), 'utf8')).toMatch(/^a from \d+\nb\nc\n$/);

    // Three cluster jobs went through the gateway and all completed.
    const jobs = await gw.admin(`{ jobs(filter: { users: ["snake"] }) { total items { name state } } }`);
    expect(jobs.jobs.items.map((j: { name: string }) => j.name).sort()).toEqual(['smk-a', 'smk-b', 'smk-c']);
    expect(jobs.jobs.items.every((j: { state: string }) => j.state === 'COMPLETED')).toBe(true);
  });
});
