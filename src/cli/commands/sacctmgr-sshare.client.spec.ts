/**
 * Client test: sacctmgr and sshare as Open OnDemand and Snakemake call them, compared byte for byte
 * with a real Slurm 22.05 (slurmdbd, no associations) in test/slurm/recorded/accounts. The gateway
 * keeps no associations, so its answer is that database's: headers, no rows, exit 0.
 */
import { runCli } from '../program';
import { memoryIo, testContext } from '../../../test/cli/memory-io';
import { accountsRecording, accountsScenario, recordedAccounts } from '../../../test/slurm/recorded-accounts';
import { writeShims } from './shims';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function cli(argv: string[]) {
  const io = memoryIo();
  const code = await runCli(argv, testContext(io));
  return { code, out: io.stdoutText(), err: io.stderrText() };
}

const names = (command: string) => accountsScenario.recordings.filter((r) => r.argv[0] === command).map((r) => r.name);

describe('client test: sacctmgr and sshare against recorded Slurm 22.05 output', () => {
  it.each([...names('sacctmgr'), ...names('sshare')])('%s prints what Slurm printed, with its exit code', async (name) => {
    const { argv, code } = accountsRecording(name);
    const got = await cli(argv);
    expect(got).toEqual({ code, out: recordedAccounts(name), err: recordedAccounts(name, 'err') });
  });

  it("answers OOD's and Snakemake's account queries with no accounts, which they read as 'none to choose'", async () => {
    const ood = await cli(['sacctmgr', '-nP', 'show', 'users', 'withassoc', 'format=account,qos', 'where', 'user=alice']);
    const snakemake = await cli(['sacctmgr', '-n', '-s', 'list', 'user', 'alice', 'format=account%256']);
    const sshare = await cli(['sshare', '-U', '--format', 'Account%256', '--noheader']);
    expect([ood, snakemake, sshare]).toEqual([0, 0, 0].map((code) => ({ code, out: '', err: '' })));
  });

  it('prints the headers and widths of format= lists, abbreviations resolved in Slurm’s order', async () => {
    expect((await cli(['sacctmgr', 'show', 'user', 'format=Ad,DefaultA%12,QOS%-5'])).out).toBe('    Admin     Def Acct QOS   \n--------- ------------ ----- \n');
    expect((await cli(['sacctmgr', '-p', 'show', 'assoc', 'format=cluster,acct'])).out).toBe('Cluster|Account|\n');
    expect((await cli(['sshare', '-l', '-P'])).out).toBe('Account|User|RawShares|NormShares|RawUsage|NormUsage|EffectvUsage|FairShare|GrpTRESMins|TRESRunMins\n');
  });

  it('refuses what would change records, and words sacctmgr does not know, changing nothing', async () => {
    expect(await cli(['sacctmgr', '-i', 'add', 'user', 'alice', 'account=physics'])).toEqual({
      code: 1,
      out: '',
      err: 'sacctmgr: error: the gateway keeps no accounting records for "add" to change: accounts go with each job (sbatch -A); only "show" and "list" are answered\n',
    });
    expect(await cli(['sacctmgr', 'frobnicate'])).toEqual({ code: 1, out: '', err: 'invalid keyword: frobnicate\n' });
    expect((await cli(['sacctmgr', 'show', 'qos'])).err).toMatch(/keeps no qos records/);
    expect(await cli(['sshare', '-o', 'Bogus'])).toEqual({ code: 1, out: '', err: 'sshare: error: Invalid field requested: "Bogus"\n' });
    expect((await cli(['sacctmgr', 'show', 'user', 'format=A'])).err).toBe("Unknown field 'A'\n");
  });

  it('hpcg shims writes sacctmgr and sshare beside the other commands', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpcg-shims-'));
    try {
      writeShims(dir, '/usr/bin/node', '/opt/hpcg/main.js', false);
      for (const command of ['sacctmgr', 'sshare']) {
        expect(statSync(join(dir, command)).mode & 0o111).toBe(0o111);
        expect(readFileSync(join(dir, command), 'utf8')).toContain(`'/opt/hpcg/main.js' ${command} "$@"`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
