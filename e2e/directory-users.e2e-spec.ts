import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DirectoryHomes } from '../test/directory/homes';
import { Slapd } from '../test/directory/slapd';
import { describeAsRoot } from '../test/support/describe-as-root';
import { GatewayFixture } from '../test/support/gateway-fixture';
import { bin } from '../test/support/gateway-process';
import { GraphqlError, gql } from '../test/support/graphql-client';

/**
 * Issue 4 end to end: directory users log in with `hpcg login` against a real slapd, submit through
 * `hpcg`, and a root worker runs each job as its owner's uidNumber in their home; nobody sees,
 * cancels or reads another's jobs; an administrator (directory admin group) sees all.
 */

const CLI = bin('hpcg');
const USERS = { alice: 20001, bob: 20002, carol: 20003 } as const;
type Name = keyof typeof USERS;

describeAsRoot('directory users end to end through hpcg', 'running jobs as directory users needs a root worker', () => {
  jest.setTimeout(180_000);
  let slapd: Slapd;
  let gw: GatewayFixture;
  const homes = new DirectoryHomes();
  const home: Partial<Record<Name, string>> = {};

  /** Each user has their own CLI configuration folder (where `hpcg login` keeps the token) and works in their home. */
  function hpcg(who: Name, args: string[], input?: string) {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(gw.dir, `cli-${who}`), HPCG_URL: gw.url };
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: home[who], env, input, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }
  function ok(who: Name, args: string[], input?: string): string {
    const r = hpcg(who, args, input);
    if (r.code !== 0) throw new Error(`hpcg ${args.join(' ')} as ${who} exited ${r.code}: ${r.err}`);
    return r.out;
  }
  const tokenOf = (who: Name) => readFileSync(join(gw.dir, `cli-${who}`, '.config/hpcg/token'), 'utf8').trim();

  beforeAll(async () => {
    slapd = await Slapd.start();
    for (const [name, uid] of Object.entries(USERS)) home[name as Name] = await homes.create(slapd, name, uid, uid);
    gw = await GatewayFixture.start({
      site: `
engines:
  local: { kind: local, slots: 2, killWait: 2 }
partitions:
  - { name: debug, engine: local, default: true, maxTime: "30:00" }
${slapd.directoryYaml()}`,
    });
    // Jobs run as their owners: they must reach their scripts in the state directory inside the fixture's folder.
    chmodSync(gw.dir, 0o711);
    await gw.startWorker();
    for (const name of Object.keys(USERS)) mkdirSync(join(gw.dir, `cli-${name}`));
  });
  afterAll(async () => {
    await gw?.stop();
    await slapd?.stop();
    homes.cleanup();
  });

  it('hpcg login at a terminal asks for the password without echoing it and saves the token 0600', async () => {
    // A real pseudo-terminal (util-linux script): what the user types reaches hpcg through the tty.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(gw.dir, 'cli-alice'), HPCG_URL: gw.url, TERM: 'dumb' };
    const child = spawn('script', ['-qec', `${process.execPath} ${CLI} login -u alice`, '/dev/null'], { env, cwd: home.alice, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let typed = false;
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      // Type only once hpcg asks: the terminal echoes nothing from then on.
      if (!typed && screen.includes('Password for alice: ')) {
        typed = true;
        child.stdin.write('alice-secret\r');
      }
    });
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(screen).toContain('Password for alice: ');
    expect(screen).toMatch(/logged in to http:\/\/127\.0\.0\.1:\d+ as alice; token saved to /);
    expect(screen).not.toContain('alice-secret');
    const file = join(gw.dir, 'cli-alice', '.config/hpcg/token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(tokenOf('alice')).toMatch(/^hpcg_/);
  });

  it('two users submit; each job runs as its owner uidNumber in their home; neither sees, cancels or reads the other; an admin sees both', async () => {
    ok('bob', ['login', '-u', 'bob', '--password-stdin'], 'bob-secret\n');
    ok('carol', ['login', '-u', 'carol', '--password-stdin'], 'carol-secret\n');
    expect(hpcg('bob', ['login', '-u', 'bob', '--password-stdin'], 'not-bobs\n')).toMatchObject({ code: 1, err: 'hpcg login: error: login failed: invalid user name or password\n' });

    const script = '#!/bin/sh\nid -u\nid -g\npwd\necho "HOME=$HOME"\n';
    const run = (who: Name) => Number(ok(who, ['sbatch', '--parsable', '--wait', '-J', `${who}-job`], script).trim());
    const aliceJob = run('alice');
    const bobJob = run('bob');
    for (const [who, job] of [['alice', aliceJob], ['bob', bobJob]] as const) {
      const out = readFileSync(join(home[who]!, `slurm-${job}.out`), 'utf8').trim().split('\n');
      expect(out).toEqual([String(USERS[who]), String(USERS[who]), home[who], `HOME=${home[who]}`]);
      expect(statSync(join(home[who]!, `slurm-${job}.out`)).uid).toBe(USERS[who]);
    }
    const held = Number(ok('alice', ['sbatch', '--parsable', '--hold', '--wrap', 'sleep 60']).trim());

    // Bob: alice's jobs do not exist for him, whether listed, named, cancelled or read.
    expect(ok('bob', ['squeue', '-h', '-t', 'all', '-o', '%i %u']).trim()).toBe(`${bobJob} bob`);
    expect(ok('bob', ['sacct', '-X', '-n', '-P', '-a', '-o', 'JobID,User']).trim()).toBe(`${bobJob}|bob`);
    const cancel = hpcg('bob', ['scancel', String(held)]);
    expect(cancel.code).not.toBe(0);
    expect(cancel.err).toContain(`Invalid job id specified`);
    const read = await gql(gw.url, tokenOf('bob'), `query($id: Int!) { jobOutput(id: $id) { data } }`, { id: aliceJob }).catch((e: GraphqlError) => e.code);
    expect(read).toBe('NOT_FOUND');
    expect(ok('alice', ['squeue', '-h', '-j', String(held), '-o', '%i %T']).trim()).toBe(`${held} PENDING`);
    expect((await gql(gw.url, tokenOf('alice'), `query($id: Int!) { jobOutput(id: $id) { data } }`, { id: aliceJob })).jobOutput.data).toBe(
      `${USERS.alice}\n${USERS.alice}\n${home.alice}\nHOME=${home.alice}\n`,
    );

    // Carol is in the directory's admin group: she sees and may cancel everyone's jobs.
    const all = ok('carol', ['sacct', '-X', '-n', '-P', '-a', '-o', 'JobID,User,State']).trim().split('\n');
    expect(all).toEqual(expect.arrayContaining([`${aliceJob}|alice|COMPLETED`, `${bobJob}|bob|COMPLETED`, `${held}|alice|PENDING`]));
    ok('carol', ['scancel', String(held)]);
    expect(ok('alice', ['sacct', '-X', '-n', '-P', '-j', String(held), '-o', 'State']).trim()).toMatch(/^CANCELLED/);
  });
});
