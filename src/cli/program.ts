/**
 * The `hpcg` command tree. Each Slurm command is a subcommand whose options and messages follow its
 * namesake; `-h` means --noheader there, as in Slurm, so help is `--help` only. sbatch bypasses
 * commander: its argv goes untouched to the sbatch parser, which owns getopt semantics (`--`, `-vQ`).
 */
import { Command, CommanderError } from 'commander';
import type { CliContext } from './cli-context';
import { describeFailure } from './cli-errors';
import { registerAdmin } from './commands/admin';
import { registerLogin } from './commands/login';
import { registerSacct } from './commands/sacct';
import { registerSacctmgr } from './commands/sacctmgr';
import { registerSbatch } from './commands/sbatch-help';
import { registerScancel } from './commands/scancel';
import { registerScontrol } from './commands/scontrol';
import { registerShims } from './commands/shims';
import { registerSinfo } from './commands/sinfo';
import { registerSqueue } from './commands/squeue';
import { registerSshare } from './commands/sshare';
import type { CommandBodyRunner, ProgramParts } from './program-parts';

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

  const parts = buildProgram(ctx, run);
  try {
    await parts.program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
  return exitCode;
}

export function buildProgram(ctx: CliContext, run: CommandBodyRunner): ProgramParts {
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
  registerSbatch(parts);
  registerSqueue(parts, ctx);
  registerScancel(parts, ctx);
  registerSacct(parts, ctx);
  registerSinfo(parts, ctx);
  registerScontrol(parts, ctx);
  registerSacctmgr(parts, ctx);
  registerSshare(parts, ctx);
  registerShims(parts, ctx);
  registerLogin(parts, ctx);
  registerAdmin(parts, ctx);
  return parts;
}
