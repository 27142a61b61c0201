import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { JobOwner } from '../engine';
import { engineJob } from '../../../test/local-engine/job-fixtures';
import { finalStatus } from '../../../test/local-engine/job-status';
import { Scratch } from '../../../test/local-engine/state-dir';

jest.setTimeout(30_000);

const isRoot = process.getuid?.() === 0;
if (!isRoot) {
  console.warn('SKIPPED local-run-as-owner: running jobs as another user needs a root worker (and useradd); this test runs as uid ' + process.getuid?.());
}

(isRoot ? describe : describe.skip)('local engine: a root worker runs jobs as their owner', () => {
  const scratch = new Scratch();
  const suffix = randomBytes(3).toString('hex');
  const user = `hpcgt${suffix}`;
  const extraGroup = `hpcgg${suffix}`;
  let owner: JobOwner;
  let workdir: string;

  beforeAll(() => {
    const home = scratch.path('home');
    execFileSync('groupadd', [extraGroup]);
    execFileSync('useradd', ['--no-create-home', '--home-dir', home, '--shell', '/bin/bash', '--user-group', '--groups', extraGroup, user]);
    const id = (flag: string, name = user) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
    const extraGid = Number(execFileSync('getent', ['group', extraGroup], { encoding: 'utf8' }).split(':')[2]);
    mkdirSync(home);
    chownSync(home, id('-u'), id('-g'));
    workdir = `${home}/run`;
    mkdirSync(workdir);
    chownSync(workdir, id('-u'), id('-g'));
    owner = { username: user, uid: id('-u'), gid: id('-g'), groups: [id('-g'), extraGid], home };
  });

  afterAll(async () => {
    await scratch.cleanup();
    execFileSync('userdel', [user]);
    execFileSync('groupdel', [extraGroup]);
  });

  it('runs the script with the owner uid, gid, groups and home, creates output files as the owner, and srun works', async () => {
    const engine = scratch.engine({ stateDir: scratch.path('state') });
    await engine.start();
    const script = '#!/bin/bash\nid -u\nid -g\nid -G\necho "HOME=$HOME user=$SLURM_JOB_USER uid=$SLURM_JOB_UID"\nsrun -n 2 id -u\ntouch made-by-job\n';
    await engine.submit(engineJob(601, workdir, { script, environment: { HOME: '/root', PATH: '/usr/bin:/bin' } }, { owner }));

    expect((await finalStatus(engine, 601))[0]).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    const lines = readFileSync(`${workdir}/slurm-601.out`, 'utf8').trim().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      String(owner.uid),
      String(owner.gid),
      owner.groups.join(' '),
      `HOME=${owner.home} user=${user} uid=${owner.uid}`,
    ]);
    expect(lines.slice(4)).toEqual([String(owner.uid), String(owner.uid)]);
    expect(statSync(`${workdir}/slurm-601.out`).uid).toBe(owner.uid);
    expect(statSync(`${workdir}/made-by-job`)).toMatchObject({ uid: owner.uid, gid: owner.gid });
    expect((await engine.output('601', 601, { stream: 'stdout', arrayIndex: null, tailLines: 1, offset: 0, limit: 0 })).data).toBe(`${owner.uid}\n`);
  });

  it('opens the output file with the owner rights only: a path the owner may not write fails the job', async () => {
    const engine = scratch.engine({ stateDir: scratch.path('state-denied') });
    await engine.start();
    const rootOnly = scratch.path('root-only');
    mkdirSync(rootOnly, { mode: 0o700 });
    await engine.submit(engineJob(602, workdir, { output: `${rootOnly}/out-%j.txt` }, { owner }));
    const [update] = await finalStatus(engine, 602);
    expect(update.state).toBe('FAILED');
    expect(update.reason).toMatch(/^could not start the job: .*Permission denied/);
  });
});
