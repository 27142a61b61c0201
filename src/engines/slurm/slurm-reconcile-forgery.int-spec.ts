import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../../../test/support/gateway-fixture';
import { gql } from '../../../test/support/graphql-client';
import { sharedSlurmCluster } from '../../../test/support/shared-slurm';
import type { SlurmCluster } from '../../../test/support/slurm-cluster';
import { SLURM_TEST_USER, slurmJobsTagged, startSlurmGateway } from '../../../test/support/slurm-gateway';

/**
 * Issue 13 item 8, on the real Slurm: another local user labels her own Slurm jobs with a gateway job's
 * tag (--comment), hoping the gateway adopts them as the victim's job when it reconciles after a crash.
 */

const SUBMIT = `mutation($s: String!, $a: [String!], $cwd: String) { submitBatchScript(script: $s, args: $a, cwd: $cwd) { jobId } }`;
const STATE = `query($id: Int!) { job(id: $id) { state reason engineJobId } }`;
/** Another Unix user of the cluster (scripts/test-deps/slurm.sh): she can sbatch, and read every job's comment in squeue. */
const ATTACKER = 'hpcg-slurm-b';

let cluster: SlurmCluster;
let release: () => Promise<void>;
beforeAll(async () => ({ cluster, release } = await sharedSlurmCluster()), 120_000);
afterAll(() => release?.());

/**
 * sbatch run by the attacker herself, straight to Slurm: a held job (it stays in squeue) with the comment she
 * chose, and the victim's job name (reconciliation asks Slurm only for jobs of that name; names are public in squeue).
 */
async function attackerSbatch(comment: string): Promise<string> {
  const out = await cluster.command('runuser', ['-u', ATTACKER, '--', '/usr/bin/env', `SLURM_CONF=${cluster.slurmConf}`, 'sbatch', '--parsable', '--hold', '--chdir=/tmp', '--output=/dev/null', '--job-name=victim', `--comment=${comment}`, '--wrap=echo attacker']);
  return out.trim().split(';')[0];
}

/** What `squeue`/`sacct` say of one Slurm job: its user and its comment. */
async function slurmJob(id: string): Promise<{ user: string; comment: string }> {
  const live = (await cluster.command('squeue', ['-h', '--states=all', '-j', id, '-o', '%u|%k']).catch(() => '')).trim();
  const line = live || (await cluster.command('sacct', ['-n', '-P', '-X', '-j', id, '-o', 'User,Comment'])).trim();
  const [user, ...comment] = line.split('\n')[0].split('|');
  return { user: user.trim(), comment: comment.join('|').trim() };
}

describe('Slurm reconciliation never adopts a stranger\'s job', () => {
  jest.setTimeout(240_000);

  it('forged tags (a guessed nonce before the submission, the copied nonce after it) are ignored and logged; the victim\'s own job is adopted', async () => {
    const { gw, token, site } = await startSlurmGateway(cluster, { kind: 'local' }, { worker: false });
    const forged: string[] = [];
    try {
      // Gateway ids are sequential: the attacker learns the next one (here from a held job of the victim's).
      const probe = (await gql(gw.url, token, SUBMIT, { s: '#!/bin/sh\ntrue\n', a: ['--hold'], cwd: gw.dir })).submitBatchScript.jobId as number;
      const next = probe + 1;
      // She knows the tag format, not the nonce.
      forged.push(await attackerSbatch(`hpcg:${site}:${next}:${randomBytes(16).toString('hex')}`));

      const crashing = await gw.startWorker({ HPCG_FAULT: 'crash-after-engine-submit' });
      const runs = join(gw.dir, 'runs.log');
      const id = (await gql(gw.url, token, SUBMIT, { s: `#!/bin/sh\necho "run as $(id -un)" >> ${runs}\n`, a: ['-J', 'victim'], cwd: gw.dir })).submitBatchScript.jobId as number;
      expect(id).toBe(next);
      expect(await crashing.waitExit()).not.toBe(0);
      expect((await gw.admin(STATE, { id })).job).toMatchObject({ state: 'PENDING', engineJobId: null });

      // The victim's submission reached Slurm before the crash; its comment (nonce included) is readable by anyone.
      const claims = await slurmJobsTagged(cluster, site, id);
      const own = claims.filter((c) => !forged.includes(c));
      expect(own).toHaveLength(1);
      const victimSlurmJob = own[0];
      const real = await slurmJob(victimSlurmJob);
      expect(real.user).toBe(SLURM_TEST_USER);
      expect(real.comment).toMatch(new RegExp(`^hpcg:${site}:${id}:[0-9a-f]{32}$`));
      forged.push(await attackerSbatch(real.comment));
      expect((await slurmJob(forged[1])).comment).toBe(real.comment);

      const worker = await gw.startWorker();
      await eventually(async () => (await gw.admin(STATE, { id })).job.state === 'COMPLETED', 60_000, `job ${id} to complete`);
      // The gateway adopted the victim's own Slurm job, run as the victim, once; neither forgery.
      expect((await gw.admin(STATE, { id })).job.engineJobId).toBe(victimSlurmJob);
      expect(readFileSync(runs, 'utf8')).toBe(`run as ${SLURM_TEST_USER}\n`);
      expect((await slurmJobsTagged(cluster, site, id)).sort()).toEqual([victimSlurmJob, ...forged].sort());
      for (const f of forged) expect((await slurmJob(f)).user).toBe(ATTACKER);

      // Each forgery is reported with both names.
      const warnings = readFileSync(worker.logFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('possible forgery'))
        .map((l) => JSON.parse(l));
      for (const f of forged) {
        expect(warnings).toContainEqual(expect.objectContaining({ level: 40, jobId: id, ref: f, owner: SLURM_TEST_USER, expectedOwner: SLURM_TEST_USER, foundOwner: ATTACKER, ownerMatches: false }));
      }
      expect(warnings.find((w) => w.ref === forged[0]).nonceMatches).toBe(false);
      expect(warnings.find((w) => w.ref === forged[1]).nonceMatches).toBe(true);
      expect(warnings.some((w) => w.ref === victimSlurmJob)).toBe(false);
    } finally {
      if (forged.length) await cluster.command('scancel', forged).catch(() => undefined);
      await gw.stop();
    }
  });
});
