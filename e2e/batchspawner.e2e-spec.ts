import { execFile } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { request, waitFor } from '../test/proxy/http-client';
import { BatchspawnerSite, BSP_USER, writeUserToken } from '../test/notebooks/batchspawner-site';
import { GatewayProcess } from '../test/support/gateway-process';
import { sharedSlurmCluster } from '../test/support/shared-slurm';
import type { SlurmCluster } from '../test/support/slurm-cluster';
import { SLURM_SUDO_ACCOUNT, SLURM_TEST_USER, unixUser } from '../test/support/slurm-gateway';

/**
 * Issue 21: JupyterHub's batchspawner through the shims, unchanged. Debian's JupyterHub 3.0 runs a
 * spawner that issues exactly SlurmSpawner's commands (`sudo -E -u USER sbatch --parsable`, `squeue -h
 * -j ID -o '%T %B'`, `scancel ID`) and reads their output with its regular expressions; the commands
 * are `hpcg shims` (with the site URL baked in) that find the user's own token in ~/.config/hpcg as
 * sudo leaves HOME. The gateway runs the server as a job of the real Slurm 22.05 test cluster.
 */

jest.setTimeout(360_000);

const US = '\x1f';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command as `user` through sudo, as batchspawner runs them (HOME set to the user's, PATH sudo's secure_path is replaced by ours). */
function runAs(user: string, argv: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile('sudo', ['-E', '-u', user, ...argv], { env: { PATH: '/usr/bin:/bin', ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('batchspawner (SlurmSpawner) through the shims', () => {
  let cluster: SlurmCluster;
  let release: () => Promise<void>;
  let site: BatchspawnerSite;
  let jobId = '';

  beforeAll(async () => {
    ({ cluster, release } = await sharedSlurmCluster());
    site = await BatchspawnerSite.start(cluster);
  }, 120_000);
  afterAll(async () => {
    await site?.stop();
    await release?.();
  });

  const hubOutput = () => `\n--- commands ---\n${JSON.stringify(site.commands(), null, 1).slice(-3000)}\n--- JupyterHub output ---\n${site.hub.output().slice(-4000)}`;

  it('spawns a server in a Slurm job with SlurmSpawner\'s commands, reaches it through the hub, keeps it while the gateway is down', async () => {
    const started = await site.hubApi('POST', `/users/${BSP_USER}/server`);
    expect([201, 202]).toContain(started.status);
    await waitFor('the hub to see the server ready', async () => (await site.server())?.ready === true, 120_000, 500).catch((err: Error) => {
      throw new Error(`${err.message}${hubOutput()}`);
    });

    const commands = site.commands();
    const submit = commands[0];
    expect(submit).toMatchObject({ cmd: `sudo -E -u ${BSP_USER} sbatch --parsable`, exit: 0 });
    jobId = submit.stdout;
    expect(jobId).toMatch(/^\d+$/);
    // The query, and what SlurmSpawner's expressions read in it: the state, then the batch host.
    const queries = commands.filter((c) => c.cmd === `sudo -E -u ${BSP_USER} squeue -h -j ${jobId} -o '%T %B'`);
    expect(queries.length).toBeGreaterThan(0);
    const running = queries.find((q) => /^(?:RUNNING|COMPLETING)/.test(q.stdout));
    expect(running?.stdout).toBe(`RUNNING ${cluster.state.nodeName}`);
    expect(queries.every((q) => q.exit === 0 && /^(?:PENDING|CONFIGURING|RUNNING|COMPLETING)/.test(q.stdout))).toBe(true);

    // The gateway's job is the user's, and Slurm runs it as the user on the host the hub reached.
    const jobs = await site.gw.admin<{ jobs: { items: { id: number; user: string; state: string; engineJobId: string | null }[] } }>(
      `query($id: [Int!]) { jobs(filter: { ids: $id }) { items { id user state engineJobId } } }`,
      { id: [Number(jobId)] },
    );
    expect(jobs.jobs.items[0]).toMatchObject({ user: BSP_USER, state: 'RUNNING' });
    const slurmView = await cluster.command('squeue', ['-h', '-j', jobs.jobs.items[0].engineJobId!, '-o', '%u %T %B']);
    expect(slurmView.trim()).toBe(`${BSP_USER} RUNNING ${cluster.state.nodeName}`);

    // Reached through the hub and the proxy, with the user's hub token.
    const token = (await site.hubApi('POST', `/users/${BSP_USER}/tokens`, { note: 'e2e', expires_in: 600 })).json.token as string;
    const api = await request(`${site.publicUrl}/user/${BSP_USER}/api/status`, { headers: { Authorization: `token ${token}` } });
    expect(api.status).toBe(200);

    // The gateway goes away: the query prints Slurm's "Unable to contact slurm controller", which
    // SlurmSpawner reads as "unknown", so the hub keeps the server; the gateway comes back, nothing lost.
    const before = site.commands().length;
    await site.gw.api.stop();
    try {
      await waitFor('a query while the gateway is down', async () => site.commands().slice(before).some((c) => c.exit !== 0), 30_000, 250);
      const failed = site.commands().slice(before).find((c) => c.exit !== 0)!;
      expect(failed.exit).toBe(1);
      expect(failed.stderr).toMatch(/^slurm_load_jobs error: Unable to contact slurm controller \(connect failure\)\nhpcg: cannot reach the gateway at /);
      expect(failed.stderr).toMatch(/^slurm_load_jobs error: (?:Socket timed out on send\/recv|Unable to contact slurm controller)/);
      await new Promise((r) => setTimeout(r, 2500));
      expect((await site.server())?.ready).toBe(true);
    } finally {
      // Generous: on a loaded test machine the API's start alone has taken over 30 s.
      site.gw.api = await GatewayProcess.start('api', site.gw.env, site.gw.dir, 120_000);
    }
    await waitFor('a query answered again', async () => /^RUNNING /.test(site.commands().at(-1)?.stdout ?? ''), 30_000, 250);
    expect((await site.server())?.ready).toBe(true);
  });

  it("an OOD-style status query of the running job (squeue --all --states=all --noconvert -O with \\x1F) returns its host", async () => {
    expect(jobId).not.toBe('');
    const format = ['JobID', 'BatchHost', 'State', 'UserName', ''].join(`:${US},`);
    const r = await runAs(BSP_USER, [join(site.shims, 'squeue'), '--all', '--states=all', '--noconvert', '-O', format, '-j', jobId], {});
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const [header, row] = r.stdout.split('\n').map((l) => l.split(US));
    expect(header.map((h) => h.trim())).toEqual(['JOBID', 'EXEC_HOST', 'STATE', 'USER', '']);
    expect(row.map((v) => v.trim())).toEqual([jobId, cluster.state.nodeName, 'RUNNING', BSP_USER, '']);
  });

  it('a service account acts for the user with its own act-as token (HPCG_ACT_AS); the user cannot borrow it, nor act for another with their own', async () => {
    const svc = unixUser(SLURM_SUDO_ACCOUNT);
    await site.gw.admin(`mutation { createUser(username: "ood-portal", serviceAccount: true) { id } }`);
    const issued = await site.gw.admin<{ issueToken: { token: string } }>(
      `mutation { issueToken(username: "ood-portal", name: "portal", scopes: ["users:act-as", "jobs:read", "jobs:write"]) { token } }`,
    );
    const svcConfig = join(site.gw.dir, 'svc-config');
    mkdirSync(svcConfig, { mode: 0o700 });
    chownSync(svcConfig, svc.uid, svc.gid);
    chmodSync(svcConfig, 0o700);
    const svcTokenFile = writeUserToken(svcConfig, svc, issued.issueToken.token);
    const squeue = join(site.shims, 'squeue');
    const query = ['-h', '-j', jobId, '-o', '%T %u'];

    // The service, as its own Unix account with its own token file, acting for the user.
    const asService = await runAs(SLURM_SUDO_ACCOUNT, [squeue, ...query], { XDG_CONFIG_HOME: svcConfig, HPCG_ACT_AS: BSP_USER });
    expect(asService).toMatchObject({ code: 0, stdout: `RUNNING ${BSP_USER}\n` });

    // The user points at the service's configuration: its folder and token file are not theirs to read.
    const borrowed = await runAs(BSP_USER, [squeue, ...query], { XDG_CONFIG_HOME: svcConfig, HPCG_ACT_AS: SLURM_TEST_USER });
    expect(borrowed.code).toBe(1);
    expect(borrowed.stderr).toBe(`hpcg: cannot read ${join(svcConfig, 'hpcg', 'cli.yaml')}: permission denied\n`);

    // A copy of the service's token left readable to all is refused, and its token is not used or shown.
    const leaked = join(site.gw.dir, 'leaked', 'hpcg');
    mkdirSync(leaked, { recursive: true, mode: 0o755 });
    copyFileSync(svcTokenFile, join(leaked, 'token'));
    chownSync(join(leaked, 'token'), svc.uid, svc.gid);
    chmodSync(join(leaked, 'token'), 0o644);
    const fromLeak = await runAs(BSP_USER, [squeue, ...query], { XDG_CONFIG_HOME: join(site.gw.dir, 'leaked'), HPCG_ACT_AS: SLURM_TEST_USER });
    expect(fromLeak.code).toBe(1);
    expect(fromLeak.stderr).toContain(`the token file ${join(leaked, 'token')} belongs to uid ${svc.uid}, not to you`);
    expect(fromLeak.stderr).not.toContain(issued.issueToken.token);

    // The user's own token asking to act for someone else: the gateway refuses it.
    await site.gw.user(SLURM_TEST_USER, { uid: unixUser(SLURM_TEST_USER).uid, gid: unixUser(SLURM_TEST_USER).gid, home: site.gw.dir });
    const impersonate = await runAs(BSP_USER, [squeue, '-h'], { HPCG_ACT_AS: SLURM_TEST_USER });
    expect(impersonate.code).toBe(1);
    expect(impersonate.stderr).toContain('acting for another user needs a token with the "users:act-as" scope');

    // HPCG_CONF pointed at the service's token file: unreadable, and nothing of it is shown.
    const viaConf = await runAs(BSP_USER, [squeue, '-h'], { HPCG_CONF: svcTokenFile });
    expect(viaConf).toMatchObject({ code: 1, stderr: `hpcg: cannot read ${svcTokenFile}: permission denied\n` });
  });

  it('the hub stops the server: scancel through the shims ends the Slurm job', async () => {
    const stopped = await site.hubApi('DELETE', `/users/${BSP_USER}/server`);
    expect([202, 204]).toContain(stopped.status);
    await waitFor('the hub to forget the server', async () => (await site.server()) === null, 60_000, 500).catch((err: Error) => {
      throw new Error(`${err.message}${hubOutput()}`);
    });
    expect(site.commands().some((c) => c.cmd === `sudo -E -u ${BSP_USER} scancel ${jobId}` && c.exit === 0)).toBe(true);
    await waitFor(
      'the gateway job to be cancelled',
      async () => (await site.gw.admin<{ job: { state: string } }>(`query($id: Int!) { job(id: $id) { state } }`, { id: Number(jobId) })).job.state === 'CANCELLED',
      30_000,
      250,
    );
    // Nothing of the job is left in Slurm's queue.
    await waitFor('Slurm to end the job', async () => !(await cluster.command('squeue', ['-h', '-u', BSP_USER, '-o', '%i'])).trim(), 30_000, 250);
  });
});
