// @ts-check
'use strict';
/**
 * Names of the files that make up the local engine's state directory. Plain JavaScript because the
 * launcher (which must run with bare `node`) and the TypeScript engine both read and write them.
 *
 *   <stateDir>/database-id              the id of the gateway database this directory belongs to
 *   <stateDir>/executor.lock            the one executor loop of this directory
 *   <stateDir>/bin/srun                 the srun shim put on every job's PATH
 *   <stateDir>/active/<jobId>           the job has unfinished tasks: what the executor scans (finished jobs cost nothing)
 *   <stateDir>/<jobId>/job.json         the EngineJob and its launch plan (written last: the commit point)
 *   <stateDir>/<jobId>/script           the batch script, owned by the job's owner
 *   <stateDir>/<jobId>/tasks/<key>/     one directory per task: `batch` for a plain job, the index for an array task
 */
/** A start attempt's id: 16 hex digits, so that it can be part of a file name. */
const ATTEMPT_PATTERN = /^[0-9a-f]{16}$/;

module.exports = Object.freeze({
  DATABASE_ID: 'database-id',
  EXECUTOR_LOCK: 'executor.lock',
  BIN_DIR: 'bin',
  JOB_RECORD: 'job.json',
  SCRIPT: 'script',
  ACTIVE_DIR: 'active',
  TASKS_DIR: 'tasks',
  /** Task key of a plain (non-array) job. */
  PLAIN_TASK_KEY: 'batch',

  /** Created exclusively by whoever decides the task's fate first: the executor (start) or cancel (never start). */
  CLAIM: 'claim',
  /** The launcher's own process stamp, written by the launcher once it has passed its gate. */
  LAUNCHER: 'launcher',
  /**
   * `launch-<attempt>`: the gate of one start attempt (named in the executor's claim), created exclusively
   * either by that attempt's launcher (its stamp) before it does anything, or by the executor giving the
   * attempt up (requeue). Whoever is first decides: a launcher that finds its gate taken runs nothing.
   * @param {string} attempt
   */
  launchGate: (attempt) => `launch-${attempt}`,
  /** @param {unknown} attempt @returns {attempt is string} */
  isAttempt: (attempt) => typeof attempt === 'string' && ATTEMPT_PATTERN.test(attempt),
  /** The job's process stamp (group leader of the job's processes). */
  PID: 'pid',
  /** When the job process started (ISO-8601). */
  START: 'start',
  /** The final state; published exclusively, so the first writer wins. */
  EXIT: 'exit.json',
  /** Cancel requested. */
  CANCEL: 'cancel',
  /** Why a queued task waits (written by the executor when it changes). */
  REASON: 'reason',
  /** What the shell said when it could not start the job (missing directory, unwritable output file, …). */
  LAUNCH_ERROR: 'launch-error',
});
