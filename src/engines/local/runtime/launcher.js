// @ts-check
'use strict';
/**
 * The local engine's launcher: one detached process per running task, so that a worker restart or
 * crash never touches a job (the role slurmstepd plays for Slurm).
 *
 * It runs the batch script in its own process group (so the whole job can be signalled at once), as
 * the job's owner, with stdin/stdout/stderr opened by the owner's own shell after the identity switch
 * (so a user can never make the launcher open a file they could not open themselves). It enforces the
 * time limit and `--signal`, turns a SIGTERM of its own into a cancel of the job, and publishes the
 * final state in `exit.json`. Plain CommonJS: it must run with bare `node`, no TypeScript.
 * Usage: `node launcher.js <taskDir> <attempt>`, the attempt named in the executor's claim.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { stampOf } = require('./process-stamp');
const { writeFileAtomic, publishExclusive, readJsonIfExists, readTextIfExists } = require('./state-files');
const F = require('./task-files');

/**
 * Mirrors src/engines/local/launch-plan.ts.
 * @typedef {{ user: string, uid: number, gid: number, groups: number[], home: string | null }} LaunchIdentity
 * @typedef {{ name: string, number: number, secondsBeforeLimit: number, batchOnly: boolean }} LaunchSignal
 * @typedef {{ key: string, arrayIndex: number | null, jobId: number, env: Record<string, string>,
 *             stdout: string, stderr: string | null, stdin: string }} LaunchTask
 * @typedef {{ jobId: number, argv: string[], cwd: string, env: Record<string, string>,
 *             openMode: 'truncate' | 'append', timeLimitSeconds: number | null, killWaitSeconds: number,
 *             signal: LaunchSignal | null, runAs: LaunchIdentity | null, tasks: LaunchTask[] }} LaunchPlan
 * @typedef {{ state: string, exitCode: number | null, signal: number | null, endTime: string,
 *             reason: string | null }} ExitRecord
 */

/** Longest delay Node's setTimeout honours; longer time limits are waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const LAUNCH_ERROR_MAX_CHARS = 500;

/*
 * The shell step run as the owner: change to the working directory and open the job's files with the
 * owner's rights, then replace itself with the script (OLDPWD would be an artefact of our `cd`). Paths arrive as positional parameters, never as
 * shell text. Chosen from a fixed set by open mode and whether stderr has its own file.
 */
const SHELL_STEP = {
  truncate: {
    separate: 'cd -- "$1" || exit 1; unset OLDPWD; exec <"$2" >"$3" 2>"$4" || exit 1; shift 4; exec "$@"',
    merged: 'cd -- "$1" || exit 1; unset OLDPWD; exec <"$2" >"$3" 2>&1 || exit 1; shift 4; exec "$@"',
  },
  append: {
    separate: 'cd -- "$1" || exit 1; unset OLDPWD; exec <"$2" >>"$3" 2>>"$4" || exit 1; shift 4; exec "$@"',
    merged: 'cd -- "$1" || exit 1; unset OLDPWD; exec <"$2" >>"$3" 2>&1 || exit 1; shift 4; exec "$@"',
  },
};

const SETPRIV_CANDIDATES = ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv', '/sbin/setpriv'];

const taskDir = path.resolve(process.argv[2] ?? '');
const jobDir = path.dirname(path.dirname(taskDir));
const taskKey = path.basename(taskDir);
const attempt = process.argv[3] ?? '';

/** @type {import('node:child_process').ChildProcess | null} */
let child = null;
let cancelRequested = false;
let timedOut = false;
let terminating = false;
let published = false;
/** Until the gate is passed the task is not ours: nothing may be written for it, not even a failure. */
let gatePassed = false;
let killWaitSeconds = 30;
/** @type {NodeJS.Timeout[]} */
const timers = [];

// A SIGTERM to the launcher is how a job is cancelled: install the handler before anyone can learn our pid.
process.on('SIGTERM', requestCancel);
process.on('SIGINT', requestCancel);
// Detached from any terminal; a hang-up of the worker's session is not the job's business.
process.on('SIGHUP', () => undefined);

try {
  main();
} catch (e) {
  if (gatePassed) finish({ state: 'FAILED', exitCode: null, signal: null, reason: `launcher error: ${errorText(e)}` });
  else process.exit(1);
}

function main() {
  if (!passGate()) process.exit(0);

  const record = /** @type {{ plan: LaunchPlan } | null} */ (readJsonIfExists(path.join(jobDir, F.JOB_RECORD)));
  if (!record) throw new Error(`no ${F.JOB_RECORD} in ${jobDir}`);
  const plan = record.plan;
  const task = plan.tasks.find((t) => t.key === taskKey);
  if (!task) throw new Error(`job ${plan.jobId} has no task "${taskKey}"`);
  killWaitSeconds = plan.killWaitSeconds;

  // Checked after our stamp is on disk: a cancel either sees the stamp (and signals us) or left its marker before this.
  if (cancelRequested || fs.existsSync(path.join(taskDir, F.CANCEL))) {
    finish({ state: 'CANCELLED', exitCode: 0, signal: null, reason: 'cancelled before start' });
    return;
  }

  // Last line of defense (DESIGN.md §4): a plan without runAs means "run as the worker itself", which a root
  // worker never does for a job, whatever wrote the plan (a record from an older gateway, a tampered file).
  if ((!plan.runAs && process.getuid?.() === 0) || (plan.runAs && (plan.runAs.uid === 0 || plan.runAs.gid === 0))) {
    finish({ state: 'FAILED', exitCode: null, signal: null, reason: `job ${plan.jobId} would run as root; the local engine never runs a job as root` });
    return;
  }

  const { command, args } = commandFor(plan, task);
  const launchErrorFd = fs.openSync(path.join(taskDir, F.LAUNCH_ERROR), 'w', 0o600);
  try {
    child = spawn(command, args, {
      cwd: '/',
      env: { ...plan.env, ...task.env },
      // Its own session and process group: the whole job can be signalled as one, and it outlives us.
      detached: true,
      stdio: ['ignore', 'ignore', launchErrorFd],
    });
  } finally {
    fs.closeSync(launchErrorFd);
  }
  child.on('error', (err) => {
    finish({ state: 'FAILED', exitCode: null, signal: null, reason: `could not start the job: ${err.message}` });
  });
  child.on('spawn', () => onSpawn(plan));
  child.on('exit', (code, signalName) => onExit(code, signalName));
}

/**
 * Wins this attempt's gate before doing anything for the task. The executor gives up an attempt whose
 * launcher has not shown up (the worker died while starting it) by taking the same gate and requeueing
 * the task, so a launcher arriving late finds its gate taken and runs nothing: one launcher per task, ever.
 * @returns {boolean} false: the attempt was given up (or is not the claimed one); exit without a trace
 */
function passGate() {
  const own = stampOf(process.pid);
  if (!own || !F.isAttempt(attempt)) return false;
  if (!publishExclusive(path.join(taskDir, F.launchGate(attempt)), JSON.stringify({ ...own, attempt }), 0o644)) return false;
  // Only a requeue removes a claim, and it takes the gate first: a gate won means the claim is still ours.
  const claim = /** @type {{ attempt?: string } | null} */ (readJsonIfExists(path.join(taskDir, F.CLAIM)));
  if (claim?.attempt !== attempt) return false;
  gatePassed = true;
  writeFileAtomic(path.join(taskDir, F.LAUNCHER), JSON.stringify(own));
  return true;
}

/**
 * @param {LaunchPlan} plan
 * @param {LaunchTask} task
 * @returns {{ command: string, args: string[] }}
 */
function commandFor(plan, task) {
  const step = SHELL_STEP[plan.openMode === 'append' ? 'append' : 'truncate'][task.stderr === null ? 'merged' : 'separate'];
  const shellArgs = ['-c', step, 'hpcg-job', plan.cwd, task.stdin, task.stdout, task.stderr ?? '', ...plan.argv];
  if (!plan.runAs) return { command: '/bin/sh', args: shellArgs };
  const setpriv = SETPRIV_CANDIDATES.find((p) => fs.existsSync(p));
  if (!setpriv) throw new Error('setpriv (util-linux) is needed to run jobs as their owner and was not found');
  const { uid, gid, groups } = plan.runAs;
  const groupArgs = groups.length ? ['--groups', groups.join(',')] : ['--clear-groups'];
  return { command: setpriv, args: ['--reuid', String(uid), '--regid', String(gid), ...groupArgs, '--', '/bin/sh', ...shellArgs] };
}

/** @param {LaunchPlan} plan */
function onSpawn(plan) {
  const pid = /** @type {number} */ (child?.pid);
  const stamp = stampOf(pid);
  if (stamp) writeFileAtomic(path.join(taskDir, F.PID), JSON.stringify(stamp));
  writeFileAtomic(path.join(taskDir, F.START), new Date().toISOString());
  if (cancelRequested) {
    terminateJob();
    return;
  }
  const limit = plan.timeLimitSeconds;
  if (limit === null) return;
  const signal = plan.signal;
  if (signal) {
    after(Math.max(0, limit - signal.secondsBeforeLimit) * 1000, () => {
      if (!terminating) sendToJob(signal.number, !signal.batchOnly);
    });
  }
  after(limit * 1000, () => {
    if (terminating) return;
    timedOut = true;
    terminateJob();
  });
}

/**
 * @param {number | null} code
 * @param {NodeJS.Signals | null} signalName
 */
function onExit(code, signalName) {
  for (const t of timers) clearTimeout(t);
  // The batch script is gone: whatever it left running in its group goes with it (as Slurm does at job end).
  sendToJob('SIGKILL', true);
  const signal = signalName ? os.constants.signals[signalName] : null;
  const exitCode = code ?? 0;
  if (cancelRequested) return finish({ state: 'CANCELLED', exitCode, signal, reason: null });
  if (timedOut) return finish({ state: 'TIMEOUT', exitCode, signal, reason: 'TimeLimit' });
  if (signal !== null) return finish({ state: 'FAILED', exitCode, signal, reason: `RaisedSignal:${signal}(${signalName})` });
  if (exitCode === 0) return finish({ state: 'COMPLETED', exitCode: 0, signal: null, reason: null });
  const launchError = (readTextIfExists(path.join(taskDir, F.LAUNCH_ERROR)) ?? '').trim();
  const reason = launchError ? `could not start the job: ${launchError.slice(0, LAUNCH_ERROR_MAX_CHARS)}` : 'NonZeroExitCode';
  return finish({ state: 'FAILED', exitCode, signal: null, reason });
}

function requestCancel() {
  if (cancelRequested) return;
  cancelRequested = true;
  // Before the job exists, main() sees the flag; once it runs, it gets Slurm's SIGTERM … SIGKILL sequence.
  if (child?.pid) terminateJob();
}

/** SIGTERM to every process of the job, SIGKILL after KillWait. */
function terminateJob() {
  if (terminating) return;
  terminating = true;
  sendToJob('SIGTERM', true);
  after(killWaitSeconds * 1000, () => sendToJob('SIGKILL', true));
}

/**
 * @param {NodeJS.Signals | number} signal
 * @param {boolean} wholeGroup
 */
function sendToJob(signal, wholeGroup) {
  const pid = child?.pid;
  if (!pid) return;
  try {
    process.kill(wholeGroup ? -pid : pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * setTimeout for delays beyond ~24.8 days (time limits can be longer).
 * @param {number} ms
 * @param {() => void} fn
 */
function after(ms, fn) {
  const step = Math.min(ms, MAX_TIMER_MS);
  timers.push(setTimeout(() => (ms > step ? after(ms - step, fn) : fn()), step));
}

/** @param {Omit<ExitRecord, 'endTime'>} outcome */
function finish(outcome) {
  if (published) return;
  published = true;
  /** @type {ExitRecord} */
  const record = { ...outcome, endTime: new Date().toISOString() };
  try {
    // Exclusive: if the task was already declared lost (NODE_FAIL), that verdict stands.
    publishExclusive(path.join(taskDir, F.EXIT), JSON.stringify(record), 0o644);
  } finally {
    process.exit(0);
  }
}

/** @param {unknown} e */
function errorText(e) {
  return e instanceof Error ? e.message : String(e);
}
