/**
 * The `hpcg` command tree. Each Slurm command is a subcommand whose options and messages follow its
 * namesake; `-h` means --noheader there, as in Slurm, so help is `--help` only. sbatch bypasses
 * commander: its argv goes untouched to the sbatch parser, which owns getopt semantics (`--`, `-vQ`).
 */
import { Command, CommanderError } from 'commander';
import type { CliContext } from './cli-context';
import { describeFailure } from './cli-errors';
import type { CommandBodyRunner, ProgramParts } from './program-parts';

type Registration = (parts: ProgramParts, ctx: CliContext) => Promise<void>;

/**
 * The subcommands, in the order `hpcg --help` lists them. Each command file (with the formatting and
 * parsing code it pulls in) is loaded only when that command runs, or for the help that lists them all:
 * `squeue` in a workflow engine's polling loop does not pay for sacct's or admin's code.
 */
const COMMANDS: ReadonlyArray<readonly [string, Registration]> = [
  ['sbatch', async (parts) => (await import('./commands/sbatch-help')).registerSbatch(parts)],
  ['squeue', async (parts, ctx) => (await import('./commands/squeue')).registerSqueue(parts, ctx)],
  ['scancel', async (parts, ctx) => (await import('./commands/scancel')).registerScancel(parts, ctx)],
  ['sacct', async (parts, ctx) => (await import('./commands/sacct')).registerSacct(parts, ctx)],
  ['sinfo', async (parts, ctx) => (await import('./commands/sinfo')).registerSinfo(parts, ctx)],
  ['scontrol', async (parts, ctx) => (await import('./commands/scontrol')).registerScontrol(parts, ctx)],
  ['sacctmgr', async (parts, ctx) => (await import('./commands/sacctmgr')).registerSacctmgr(parts, ctx)],
  ['sshare', async (parts, ctx) => (await import('./commands/sshare')).registerSshare(parts, ctx)],
  ['shims', async (parts, ctx) => (await import('./commands/shims')).registerShims(parts, ctx)],
  ['login', async (parts, ctx) => (await import('./commands/login')).registerLogin(parts, ctx)],
  ['admin', async (parts, ctx) => (await import('./commands/admin')).registerAdmin(parts, ctx)],
];

export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  let exitCode = 0;
  const run: CommandBodyRunner = async (command, body) => {
    try {
      exitCode = await body();
    } catch (err) {
      const failure = describeFailure(command, err);
      ctx.io.stderr(failure.text);
      exitCode = failure.exitCode;
    }
  };

  if (argv[0] === 'sbatch' && argv[1] !== '--help') {
    // Loaded on demand: only sbatch needs the batch-script parser.
    const { runSbatch } = await import('./commands/sbatch');
    await run('sbatch', () => runSbatch(ctx, argv.slice(1)));
    return exitCode;
  }

  const parts = await buildProgram(ctx, run, argv[0]);
  try {
    await parts.program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
  return exitCode;
}

/** The command tree with `command` alone when it names a subcommand, else with all of them (help, errors). */
export async function buildProgram(ctx: CliContext, run: CommandBodyRunner, command?: string): Promise<ProgramParts> {
  const output = (prefix: string) => ({
    writeOut: (s: string) => ctx.io.stdout(s),
    writeErr: (s: string) => ctx.io.stderr(s),
    // getopt's words, which users of the Slurm commands know: "unrecognized option '--x'".
    outputError: (s: string, write: (s: string) => void) =>
      write(`${prefix}: ${s.replace(/^error: /, '').replace(/^unknown option/, 'unrecognized option')}`),
  });

  const program = new Command('hpcg')
    .description("Slurm's user commands (sbatch, squeue, scancel, sacct, sinfo, scontrol), backed by the hpc-gateway")
    .version(`hpcg ${ctx.version}`, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput(output('hpcg'));

  const subcommand = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .helpOption('--help', 'show this help')
      .exitOverride()
      .configureOutput(output(name))
      .showHelpAfterError(`Try "${name} --help" for more information.`);

  const parts: ProgramParts = { program, subcommand, run };
  const named = COMMANDS.filter(([name]) => name === command);
  for (const [, register] of named.length > 0 ? named : COMMANDS) await register(parts, ctx);
  return parts;
}
