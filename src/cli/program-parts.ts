/**
 * What program.ts hands each command file to register its subcommand. It lives apart from
 * program.ts so that the command files depend on this and program.ts on them, never both ways.
 */
import type { Command } from 'commander';

/** Runs a command body and turns what escapes it into Slurm-style stderr text and an exit code. */
export type CommandBodyRunner = (command: string, body: () => Promise<number>) => Promise<void>;

export interface ProgramParts {
  program: Command;
  /** Adds a Slurm-style subcommand: `--help` only, errors as `<name>: …`, no process.exit. */
  subcommand(name: string, description: string): Command;
  run: CommandBodyRunner;
}
