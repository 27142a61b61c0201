import { z } from 'zod';

/** Where a command-line engine (Slurm, HTCondor) runs its commands: this host, or a submit node over SSH. */
export const runnerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }).strict(),
  z
    .object({
      kind: z.literal('ssh'),
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(22),
      /** Login of the service account (status commands; submissions unless submitAs is ssh-user). */
      user: z.string().min(1),
      /** Private key for every login. */
      keyFile: z.string().min(1),
      /** OpenSSH known_hosts file that must list the node's host key. */
      knownHosts: z.string().min(1),
      /** Seconds. */
      connectTimeout: z.number().int().min(1).max(600).default(10),
      maxConnections: z.number().int().min(1).max(64).default(4),
    })
    .strict(),
]);

/** How jobs come to run as their owner (README "Slurm engine"). */
export const submitAsSchema = z.enum(['sudo', 'runuser', 'ssh-user', 'service']).default('sudo');

/** The identity switches each runner supports. */
export function checkSubmitAs(e: { submitAs: string; runner: { kind: string } }, ctx: z.RefinementCtx): void {
  if (e.submitAs === 'ssh-user' && e.runner.kind !== 'ssh') ctx.addIssue({ code: 'custom', path: ['submitAs'], message: 'ssh-user needs runner.kind ssh' });
  if (e.submitAs === 'runuser' && e.runner.kind !== 'local') ctx.addIssue({ code: 'custom', path: ['submitAs'], message: 'runuser needs runner.kind local (over SSH use sudo)' });
}

export type RunnerConfig = z.output<typeof runnerSchema>;
