import { posix } from 'node:path';
import type { JobOwner } from '../backend';
import type { CommandRequest } from '../command-runner/command-runner';
import type { SubmitAs } from './slurm-engine-options';

/**
 * Builds the argv of one Slurm command. Every command goes through `env`, so its environment is exactly
 * what the gateway means (SLURM_CONF, and for sbatch the job's exported variables) whatever the runner
 * and the identity switch (sudo resets the environment; an SSH login brings its own).
 */

export type SlurmTool = 'sbatch' | 'squeue' | 'sacct' | 'scancel' | 'sinfo' | 'scontrol';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface CommandContext {
  submitAs: SubmitAs;
  slurmConf: string | null;
  binDir: string;
}

function envArgs(ctx: CommandContext, vars: Record<string, string>, clean: boolean): string[] {
  const assignments = Object.entries(vars).map(([k, v]) => {
    // A name that is not an identifier would be read by env as the command to run.
    if (!ENV_NAME.test(k)) throw new Error(`environment variable name "${k}" is not an identifier`);
    return `${k}=${v}`;
  });
  if (ctx.slurmConf) assignments.push(`SLURM_CONF=${ctx.slurmConf}`);
  return ['/usr/bin/env', ...(clean ? ['-i'] : []), ...assignments];
}

export function slurmTool(ctx: CommandContext, name: SlurmTool): string {
  return posix.join(ctx.binDir, name);
}

/** A command run as the runner's own user (status, partitions). */
export function serviceCommand(ctx: CommandContext, name: SlurmTool, args: string[]): CommandRequest {
  return { argv: [...envArgs(ctx, {}, false), slurmTool(ctx, name), ...args] };
}

/** A command run as the job's owner, in the way the site chose (`submitAs`). */
export function ownerCommand(ctx: CommandContext, owner: JobOwner, program: string, args: string[], vars: Record<string, string> = {}, stdin?: string): CommandRequest {
  const argv = [...envArgs(ctx, vars, true), program, ...args];
  switch (ctx.submitAs) {
    case 'sudo':
      return { argv: ['sudo', '-n', '-u', owner.username, '--', ...argv], stdin };
    case 'runuser':
      return { argv: ['runuser', '-u', owner.username, '--', ...argv], stdin };
    case 'ssh-user':
      return { argv, stdin, login: owner.username };
    case 'service':
      return { argv, stdin };
  }
}
