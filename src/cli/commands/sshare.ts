/**
 * `hpcg sshare`: fair-share standing per association. The gateway schedules no fair share and keeps no
 * associations (accounts travel with each job to the engine), so the answer is Slurm's for a user
 * without an association: the header (unless -n), no rows, exit 0, as recorded from a real Slurm
 * 22.05 in test/slurm/recorded/accounts. Snakemake reads that as "no account to check against".
 * Fields and their widths are sshare's (src/sshare/process.c), so `--format` is checked as there.
 */
import type { CliContext } from '../cli-context';
import { choosePrintFields, printFieldsHeader, type PrintField, UnknownPrintFieldError } from '../format/print-fields';
import type { SacctMode } from '../format/sacct-render';
import type { ProgramParts } from '../program-parts';

export interface SshareOptions {
  accounts?: string;
  all?: boolean;
  long?: boolean;
  partition?: boolean;
  noheader?: boolean;
  format?: string;
  parsable?: boolean;
  parsable2?: boolean;
  users?: string;
  Users?: boolean;
  verbose?: boolean;
}

/** sshare's fields, any prefix selecting the first that matches (process.c: xstrncasecmp(name, word, strlen(word))). */
const field = (name: string, width: number): PrintField => ({ abbrev: [[name, 0]], header: name, width });
const SSHARE_FIELDS: readonly PrintField[] = [
  field('Account', -20),
  field('Cluster', 10),
  field('EffectvUsage', 13),
  field('FairShare', 10),
  field('GrpTRESMins', 30),
  field('GrpTRESRaw', 30),
  field('ID', 6),
  field('LevelFS', 10),
  field('NormShares', 11),
  field('NormUsage', 11),
  field('Partition', 12),
  field('RawShares', 10),
  field('RawUsage', 11),
  field('TRESRunMins', 30),
  field('User', 10),
];

/** The default layouts without PriorityFlags=FAIR_TREE (the gateway has no fair-share tree). */
function defaultFormat(opts: SshareOptions): string {
  const partition = opts.partition ? 'P,' : '';
  return opts.long
    ? `A,User,${partition}RawShares,NormShares,RawUsage,NormUsage,Eff,Fairshare,GrpTRESMins,TRESRunMins`
    : `A,User,${partition}RawShares,NormShares,RawUsage,Eff,Fairshare`;
}

export function registerSshare({ subcommand, run }: ProgramParts, ctx: CliContext): void {
  subcommand('sshare', 'fair-share standing (Slurm sshare): the gateway keeps no associations, so a header and no rows')
    .option('-A, --accounts <accounts>', 'only these accounts')
    .option('-a, --all', 'every user')
    .option('-l, --long', 'the long field list')
    .option('-m, --partition', 'a partition column')
    .option('-n, --noheader', 'no header lines')
    .option('-o, --format <fields>', 'comma list of fields, each with an optional %WIDTH')
    .option('-p, --parsable', "'|'-delimited output with a trailing '|'")
    .option('-P, --parsable2', "'|'-delimited output without a trailing '|'")
    .option('-u, --users <users>', 'only these users')
    .option('-U, --Users', 'only user rows, no account rows')
    .option('-v, --verbose', 'accepted for compatibility')
    .action((opts: SshareOptions) => run('sshare', () => Promise.resolve().then(() => runSshare(ctx, opts))));
}

export function runSshare(ctx: CliContext, opts: SshareOptions): number {
  let fields;
  try {
    fields = choosePrintFields(opts.format ?? defaultFormat(opts), SSHARE_FIELDS);
  } catch (err) {
    if (!(err instanceof UnknownPrintFieldError)) throw err;
    ctx.io.stderr(`sshare: error: Invalid field requested: "${err.word}"\n`);
    return 1;
  }
  const mode: SacctMode = opts.parsable || opts.parsable2 ? { kind: 'parsable', delimiter: '|', trailing: !opts.parsable2 } : { kind: 'table' };
  if (!opts.noheader) ctx.io.stdout(`${printFieldsHeader(fields, mode).join('\n')}\n`);
  return 0;
}
