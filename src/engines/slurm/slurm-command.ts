import { posix } from 'node:path';
import type { CommandRequest } from '../command-runner/command-runner';
import { CommandContext, envArgs } from '../command-runner/owner-command';

/** The argv of Slurm's own commands (owner commands: ../command-runner/owner-command.ts). */

export type SlurmTool = 'sbatch' | 'squeue' | 'sacct' | 'scancel' | 'sinfo' | 'scontrol';

export function slurmTool(ctx: CommandContext, name: SlurmTool): string {
  return posix.join(ctx.binDir, name);
}

/** A command run as the runner's own user (status, partitions). */
export function serviceCommand(ctx: CommandContext, name: SlurmTool, args: string[]): CommandRequest {
  return { argv: [...envArgs(ctx, {}, false), slurmTool(ctx, name), ...args] };
}
