import { spawn } from 'node:child_process';
import { launcherPath } from './runtime-files';

/**
 * Starts the launcher of one task as a detached process outside the worker's process group: stopping,
 * restarting or crashing the worker leaves it (and the job) running. `onError` hears of a launcher that
 * could not even be started. `attempt` is the one named in the task's claim.
 */
export function spawnLauncher(taskDir: string, attempt: string, onError: (err: Error) => void): void {
  // The launcher needs nothing from the worker's environment (database URLs, tokens): it gets none of it.
  const env = { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin' };
  const child = spawn(process.execPath, [launcherPath(), taskDir, attempt], { detached: true, stdio: 'ignore', cwd: '/', env });
  child.on('error', onError);
  child.unref();
}
