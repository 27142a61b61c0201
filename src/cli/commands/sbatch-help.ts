/**
 * `hpcg sbatch`'s entry in the command tree, for `hpcg --help` and `hpcg sbatch --help`. Running it
 * does not go through commander: runCli hands sbatch's argv to runSbatch untouched (getopt rules).
 */
import type { ProgramParts } from '../program-parts';

export function registerSbatch({ subcommand }: ProgramParts): void {
  subcommand('sbatch', 'submit a batch script (Slurm sbatch)')
    .usage('[options] [script [args...]]')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      '\nOptions are sbatch\'s (see "man sbatch"): -J, -p, -t, -N, -n, -c, --mem, --gpus, -a, -d, -o, -e, --export, --wrap, ' +
        '--parsable, -W/--wait, --test-only, --json, … The script comes from the file named, from stdin, or from --wrap.\n',
    );
}
