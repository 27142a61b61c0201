// @ts-check
'use strict';
/**
 * Names of the files that make up the local engine's state directory. Plain JavaScript because the
 * launcher (which must run with bare `node`) and the TypeScript engine both read and write them.
 *
 *   <stateDir>/executor.lock            the one executor loop of this directory
 *   <stateDir>/bin/srun                 the srun shim put on every job's PATH
 *   <stateDir>/active/<jobId>           the job has unfinished tasks: what the executor scans (finished jobs cost nothing)
 *   <stateDir>/<jobId>/job.json         the EngineJob and its launch plan (written last: the commit point)
 *   <stateDir>/<jobId>/script           the batch script, owned by the job's owner
 *   <stateDir>/<jobId>/tasks/<key>/     one directory per task: `batch` for a plain job, the index for an array task
 */
module.exports = Object.freeze({
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
  /** The launcher's own process stamp, written by the launcher once its SIGTERM handler is in place. */
  LAUNCHER: 'launcher',
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
