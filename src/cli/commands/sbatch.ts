/**
 * `hpcg sbatch`: submit a batch script the way sbatch does. The script is parsed here first with the
 * same parser the gateway uses, so mistakes are reported at once in sbatch's words and the client
 * flags (--parsable, --wait, --test-only, --json; also valid as #SBATCH lines) are known before
 * anything is sent. The gateway parses again and decides.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { isTerminal } from '../../domain/job';
import { parseBatchScript, SbatchError, splitCommandLine } from '../../sbatch';
import type { CliContext } from '../cli-context';
import { CommandError } from '../cli-errors';
import { type BatchScriptVariables, getJob, submitBatchScript, testBatchScript } from '../gateway-api';
import { GatewayRequestError } from '../gateway-client';
import { communicationFailure } from '../slurm-unreachable';
import type { GatewayJob } from '../gateway-types';
import { decodeScript, ScriptEncodingError } from '../parse/script-bytes';

/**
 * Local parse limits: Slurm's hard ceilings (MaxArraySize ≤ 4000001, max_script_size ≤ 512 MB). The
 * site's own, usually lower, limits are the gateway's to apply; it answers in the same words.
 */
export const LOCAL_PARSE_LIMITS = { maxArraySize: 4_000_001, maxScriptBytes: 512 * 1024 * 1024 };

const POLL_FIRST_MS = 500;
const POLL_MAX_MS = 2000;

/** `--wrap`, `--wra`, `--wr` (getopt prefixes), with or without `=value`. */
const usesWrap = (optionArgs: readonly string[]) => optionArgs.some((a) => /^--wr(a|ap)?(=|$)/.test(a));

/** The submitter's environment, minus the gateway token: it must never reach a job. */
export function submitterEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && key !== 'HPCG_TOKEN') out[key] = value;
  return out;
}

async function readScript(ctx: CliContext, scriptPath: string | null, wrap: boolean): Promise<string | null> {
  if (scriptPath === null && wrap) return null;
  let bytes: Buffer;
  if (scriptPath !== null) {
    try {
      bytes = await readFile(resolve(ctx.io.cwd, scriptPath));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CommandError(`Unable to open file ${scriptPath}${code === 'ENOENT' ? '' : `: ${(err as Error).message}`}`);
    }
  } else {
    if (ctx.io.stdinIsTty) throw new CommandError('no batch script: name a script file, pipe one on stdin, or use --wrap');
    bytes = await ctx.io.readStdin();
  }
  if (bytes.length > LOCAL_PARSE_LIMITS.maxScriptBytes) {
    throw new CommandError(`batch script is ${bytes.length} bytes: the largest allowed is ${LOCAL_PARSE_LIMITS.maxScriptBytes}`);
  }
  try {
    return decodeScript(bytes, scriptPath ?? 'the script on stdin');
  } catch (err) {
    if (err instanceof ScriptEncodingError) throw new CommandError(err.message);
    throw err;
  }
}

/** sbatch --wait's exit code: the job's, 1 for death by signal; for arrays the highest of the tasks. */
export function waitExitCode(job: GatewayJob): number {
  const records = job.isArray && job.arrayTasks.length > 0 ? job.arrayTasks : [job];
  return Math.max(
    ...records.map((r) => {
      if (r.signal) return 1;
      if (r.exitCode !== null) return Math.min(255, Math.max(0, r.exitCode));
      return r.state === 'COMPLETED' ? 0 : 1;
    }),
  );
}

export function isFinished(job: GatewayJob): boolean {
  return isTerminal(job.state) && job.arrayTasks.every((t) => isTerminal(t.state));
}

const stripPrefix = (message: string) => message.replace(/^sbatch: error: /, '');

export async function runSbatch(ctx: CliContext, argv: string[]): Promise<number> {
  const { io } = ctx;
  const wantsJson = argv.includes('--json');
  const fail = (message: string, code = 'BAD_USER_INPUT', details: Record<string, unknown> = {}) => {
    io.stderr(`sbatch: error: ${message}\n`);
    if (wantsJson) io.stdout(`${JSON.stringify({ error: { code, message, details } })}\n`);
    return 1;
  };

  let input: BatchScriptVariables;
  let client: { parsable: boolean; wait: boolean; testOnly: boolean; json: boolean; quiet: boolean };
  let localPartition: string | undefined;
  try {
    const { optionArgs, scriptPath, scriptArgs } = splitCommandLine(argv);
    const script = await readScript(ctx, scriptPath, usesWrap(optionArgs));
    input = {
      script,
      args: optionArgs,
      scriptArgs,
      env: submitterEnvironment(io.env),
      cwd: io.cwd,
      scriptName: scriptPath === null ? null : basename(scriptPath),
    };
    const parsed = parseBatchScript(
      { script, optionArgs, scriptArgs, env: input.env, scriptName: input.scriptName, now: io.now() },
      LOCAL_PARSE_LIMITS,
    );
    client = parsed.client;
    localPartition = parsed.spec.partitions[0];
    if (!client.quiet) for (const warning of parsed.warnings) io.stderr(`sbatch: warning: ${warning}\n`);
  } catch (err) {
    if (err instanceof SbatchError) return fail(stripPrefix(err.message), err.code, err.details);
    if (err instanceof CommandError) return fail(err.message);
    throw err;
  }

  const gateway = ctx.client();
  if (client.testOnly) {
    try {
      const result = await testBatchScript(gateway, input);
      if (client.json) {
        io.stdout(`${JSON.stringify({ spec: result.spec, engine: result.engine, translation: result.translation })}\n`);
      } else {
        const partition = ((result.spec as { partitions?: string[] } | null)?.partitions ?? [])[0] ?? localPartition;
        io.stderr(`sbatch: test only: job would run on engine ${result.engine} in ${partition ? `partition ${partition}` : 'the default partition'}\n`);
      }
      return 0;
    } catch (err) {
      if (err instanceof GatewayRequestError) return fail(stripPrefix(err.message), err.code, err.details);
      throw err;
    }
  }

  let jobId: number;
  try {
    jobId = await submitBatchScript(gateway, input);
  } catch (err) {
    if (communicationFailure(err)) throw err; // Slurm's "Batch job submission failed: Unable to contact …" (cli-errors.ts)
    if (err instanceof GatewayRequestError) return fail(stripPrefix(err.message), err.code, err.details);
    throw err;
  }
  if (client.json) io.stdout(`${JSON.stringify({ jobId })}\n`);
  else io.stdout(client.parsable ? `${jobId}\n` : `Submitted batch job ${jobId}\n`);
  if (!client.wait) return 0;

  for (let delay = POLL_FIRST_MS; ; delay = Math.min(POLL_MAX_MS, Math.round(delay * 1.5))) {
    await io.sleep(delay);
    const job = await getJob(gateway, jobId);
    if (!job) return fail(`job ${jobId} disappeared from the gateway while waiting for it`, 'NOT_FOUND');
    if (isFinished(job)) return waitExitCode(job);
  }
}
