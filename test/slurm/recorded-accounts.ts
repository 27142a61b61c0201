/**
 * The outputs of test/slurm/recorded/accounts (recorded by record-account-outputs.ts from a real Slurm
 * 22.05 with slurmdbd and no associations): sacctmgr, sshare, and the commands given -M/--clusters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRecorded } from './recorded-clients';

const DIR = join(__dirname, 'recorded', 'accounts');

export interface AccountsScenario {
  cluster: string;
  user: string;
  job: string;
  recordings: { name: string; argv: string[]; at: number; code: number }[];
}

export const accountsScenario = JSON.parse(readFileSync(join(DIR, 'scenario.json'), 'utf8')) as AccountsScenario;

export function recordedAccounts(name: string, stream: 'out' | 'err' = 'out'): string {
  return readRecorded(DIR, name, stream);
}

export function accountsRecording(name: string): AccountsScenario['recordings'][number] {
  const r = accountsScenario.recordings.find((x) => x.name === name);
  if (!r) throw new Error(`no recording ${name}`);
  return r;
}
