/**
 * `hpcg sacctmgr show|list user|account|association …`: what Slurm's accounting database holds about
 * users, accounts and associations. The gateway keeps none: an account travels with each job (`-A`)
 * to the engine, unchecked by the gateway. So the answer is Slurm's for a database without them:
 * the header (unless -n), no rows, exit 0, exactly as a real Slurm 22.05 prints for a user without an
 * association (test/slurm/recorded/accounts). Tools read that as "no accounts to choose from": Open
 * OnDemand offers a free account field, Snakemake submits without `-A`. Adding or changing records is
 * refused, since there is nothing for it to change. The words are checked as sacctmgr checks them.
 */
import type { CliContext } from '../cli-context';
import { CommandError } from '../cli-errors';
import { choosePrintFields, printFieldsHeader, UnknownPrintFieldError } from '../format/print-fields';
import { SACCTMGR_DEFAULT_FORMATS, SACCTMGR_FIELDS } from '../format/sacctmgr-fields';
import type { SacctMode } from '../format/sacct-render';
import type { ProgramParts } from '../program-parts';

export interface SacctmgrOptions {
  noheader?: boolean;
  parsable?: boolean;
  parsable2?: boolean;
  associations?: boolean;
  immediate?: boolean;
  quiet?: boolean;
  readonly?: boolean;
  verbose?: boolean;
}

export function registerSacctmgr({ subcommand, run }: ProgramParts, ctx: CliContext): void {
  subcommand('sacctmgr', "accounting records (Slurm sacctmgr): the gateway keeps no associations, so lists have a header and no rows")
    .argument('[words...]', 'show|list user|account|association [withassoc] [where] [name=…] [format=…]')
    .option('-n, --noheader', 'no header lines')
    .option('-p, --parsable', "'|'-delimited output with a trailing '|'")
    .option('-P, --parsable2', "'|'-delimited output without a trailing '|'")
    .option('-s, --associations', 'with the associations (as withassoc)')
    .option('-i, --immediate', 'accepted for compatibility')
    .option('-Q, --quiet', 'accepted for compatibility')
    .option('-r, --readonly', 'accepted for compatibility')
    .option('-v, --verbose', 'accepted for compatibility')
    .action((words: string[], opts: SacctmgrOptions) => run('sacctmgr', () => Promise.resolve().then(() => runSacctmgr(ctx, words, opts))));
}

/** xstrncasecmp(name, word, MAX(len, min)) == 0: the word abbreviates name with at least min characters. */
const abbreviates = (word: string, name: string, min: number) => word.length >= min && name.toLowerCase().startsWith(word.toLowerCase());

const ENTITY_HELP =
  'No valid entity in list command\nInput line must include "Account", "Association", "Cluster", "Configuration",\n' +
  '"Event", "Federation", "Problem", "QOS", "Resource", "Reservation",\n"RunAwayJobs", "Stats", "Transaction", "TRES", "User", or "WCKey"\n';

type Entity = 'user' | 'account' | 'association';

/** sacctmgr.c's list entities that have a gateway meaning; the others are named in the error. */
function entityOf(word: string): Entity | null | 'other' {
  if (abbreviates(word, 'Accounts', 2) || abbreviates(word, 'Acct', 4)) return 'account';
  if (abbreviates(word, 'Associations', 2)) return 'association';
  if (abbreviates(word, 'Users', 1)) return 'user';
  const others: [string, number][] = [['Clusters', 2], ['Configuration', 2], ['Events', 1], ['Federation', 1], ['Problems', 1], ['RunawayJobs', 2], ['QOS', 1], ['Resource', 4], ['Reservations', 4], ['Stats', 1], ['Transactions', 1], ['WCKeys', 1], ['tres', 2]];
  return others.some(([name, min]) => abbreviates(word, name, min)) ? 'other' : null;
}

export function runSacctmgr(ctx: CliContext, words: string[], opts: SacctmgrOptions): number {
  const { io } = ctx;
  const [command = '', entityWord, ...rest] = words;
  if (!abbreviates(command, 'show', 3) && !abbreviates(command, 'list', 3)) {
    const known = ['add', 'create', 'modify', 'update', 'delete', 'remove', 'archive', 'load', 'dump', 'reconfigure', 'shutdown'];
    if (known.some((k) => command.length >= 2 && k.startsWith(command.toLowerCase()))) {
      throw new CommandError(`the gateway keeps no accounting records for "${command}" to change: accounts go with each job (sbatch -A); only "show" and "list" are answered`);
    }
    io.stderr(`invalid keyword: ${command}\n`);
    return 1;
  }
  const entity = entityWord === undefined ? null : entityOf(entityWord);
  if (entity === null) {
    io.stderr(ENTITY_HELP);
    return 1;
  }
  if (entity === 'other') {
    throw new CommandError(`the gateway answers "show user", "show account" and "show association"; it keeps no ${entityWord} records`);
  }

  let withAssoc = !!opts.associations || entity === 'association';
  let format: string | null = null;
  for (const word of rest) {
    const [key, value] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, null];
    if (value === null && abbreviates(key, 'WithAssoc', 5)) withAssoc = true;
    else if (value !== null && abbreviates(key, 'Format', 1)) format = format === null ? value : `${format},${value}`;
    // Conditions (where, user=…, names, cluster=…) select among records the gateway does not have.
  }
  const defaults = SACCTMGR_DEFAULT_FORMATS;
  const chosenFormat =
    format ??
    (entity === 'user' ? (withAssoc ? defaults.userWithAssoc : defaults.user) : entity === 'account' ? (withAssoc ? defaults.accountWithAssoc : defaults.account) : defaults.association);
  let fields;
  try {
    fields = choosePrintFields(chosenFormat, SACCTMGR_FIELDS);
  } catch (err) {
    if (!(err instanceof UnknownPrintFieldError)) throw err;
    io.stderr(`Unknown field '${err.word}'\n`);
    return 1;
  }
  const mode: SacctMode = opts.parsable || opts.parsable2 ? { kind: 'parsable', delimiter: '|', trailing: !opts.parsable2 } : { kind: 'table' };
  if (!opts.noheader) io.stdout(`${printFieldsHeader(fields, mode).join('\n')}\n`);
  return 0;
}
