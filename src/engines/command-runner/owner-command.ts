import type { JobOwner } from '../engine';
import type { CommandRequest } from './command-runner';

/**
 * Commands an engine runs as a job's owner, the way the site chose, with exactly the environment the
 * gateway means: every command goes through `env` (sudo resets the environment; an SSH login brings its own).
 *
 * Whose identity the commands run under (a site picks one):
 * - `sudo` / `runuser`: the runner's user (root, or a service account with sudo rights) switches to the owner;
 * - `ssh-user`: the SSH runner logs in as the owner (the gateway's key is authorised for every user);
 * - `service`: every job runs as the runner's own user (a robot account).
 */
export type SubmitAs = 'sudo' | 'runuser' | 'ssh-user' | 'service';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface CommandContext {
  submitAs: SubmitAs;
  /** Variables every command of this engine gets (Slurm: SLURM_CONF). */
  fixedEnv: Record<string, string>;
  binDir: string;
}

/** `/usr/bin/env [-i] NAME=value… `: the prefix that gives a command exactly these variables. */
export function envArgs(ctx: CommandContext, vars: Record<string, string>, clean: boolean): string[] {
  const assignments = Object.entries({ ...vars, ...ctx.fixedEnv }).map(([k, v]) => {
    // A name that is not an identifier would be read by env as the command to run.
    if (!ENV_NAME.test(k)) throw new Error(`environment variable name "${k}" is not an identifier`);
    return `${k}=${v}`;
  });
  return ['/usr/bin/env', ...(clean ? ['-i'] : []), ...assignments];
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
