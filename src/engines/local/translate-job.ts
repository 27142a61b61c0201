import { join } from 'node:path';
import type { EngineJob } from '../engine';
import { DEFAULT_ARRAY_OUTPUT, DEFAULT_OUTPUT, FilenameContext, resolveOutputPath } from '../shared/filename-pattern';
import { buildJobEnvironment, buildTaskEnvironment } from '../shared/job-environment';
import type { LaunchPlan, LaunchTask } from './launch-plan';
import { assertFitsHost, LocalHost, signalNumber } from './resource-request';
import type { SecurityConfig } from '../../config/security-config.schema';
import { resolveJobIdentity, WorkerIdentity } from './run-as';
import { jobDir, taskKey } from './state-layout';
import F = require('./runtime/task-files');

/** Everything about the engine and its host that a launch plan depends on. */
export interface TranslateContext {
  host: LocalHost;
  /** Short host name. */
  hostname: string;
  stateDir: string;
  srunDir: string;
  killWaitSeconds: number;
  clusterName: string;
  worker: WorkerIdentity;
  loginShell: string;
  /** The site's identity policy (minUid/minGid): the engine refuses what submission should already have refused. */
  security: SecurityConfig;
}

/** The job as the local engine will run it; throws a DomainError when this host cannot run it. */
export function translateJob(job: EngineJob, ctx: TranslateContext): LaunchPlan {
  const spec = job.spec;
  const request = assertFitsHost(spec, ctx.host);
  const identity = resolveJobIdentity(job.owner, ctx.worker, ctx.host.engine, ctx.security);
  // An array whose tasks all ended in the gateway before submission arrives with no tasks: nothing to run.
  const isArray = spec.array !== null || job.tasks.length > 0;

  const env = buildJobEnvironment({
    job,
    host: ctx.hostname,
    clusterName: ctx.clusterName,
    srunDir: ctx.srunDir,
    user: identity.user,
    uid: identity.uid,
    gid: identity.gid,
    home: identity.home,
    loginShell: ctx.loginShell,
    ntasks: request.ntasks,
    cpusOnNode: request.slots,
    hostMemoryMB: ctx.host.memoryMB,
  });

  const outputPattern = spec.output ?? (isArray ? DEFAULT_ARRAY_OUTPUT : DEFAULT_OUTPUT);
  const taskRefs = isArray ? job.tasks : [null];
  const tasks = taskRefs.map((ref): LaunchTask => {
    const names: FilenameContext = {
      jobId: ref ? ref.rawId : job.id,
      arrayJobId: job.id,
      arrayIndex: ref ? ref.index : null,
      jobName: spec.name,
      user: identity.user,
      host: ctx.hostname,
    };
    const stdout = resolveOutputPath(outputPattern, names, job.workdir);
    const stderr = spec.error ? resolveOutputPath(spec.error, names, job.workdir) : null;
    return {
      key: taskKey(ref ? ref.index : null),
      arrayIndex: ref ? ref.index : null,
      jobId: names.jobId,
      env: buildTaskEnvironment(job, ref),
      stdout,
      // The same file named twice would be opened (and truncated) twice, each write clobbering the other.
      stderr: stderr === stdout ? null : stderr,
      stdin: spec.input ? resolveOutputPath(spec.input, names, job.workdir) : '/dev/null',
    };
  });

  const limitMinutes = job.timeLimitMinutes;
  const timeLimitSeconds = limitMinutes === null || limitMinutes <= 0 ? null : limitMinutes * 60;
  return {
    engine: ctx.host.engine,
    jobId: job.id,
    name: spec.name,
    argv: [join(jobDir(ctx.stateDir, job.id), F.SCRIPT), ...spec.scriptArgs],
    cwd: job.workdir,
    env,
    openMode: spec.openMode ?? 'truncate',
    slots: request.slots,
    timeLimitSeconds,
    killWaitSeconds: ctx.killWaitSeconds,
    signal: spec.signal
      ? {
          name: spec.signal.signal.toUpperCase().replace(/^SIG/, ''),
          number: signalNumber(spec.signal.signal),
          secondsBeforeLimit: spec.signal.seconds,
          batchOnly: spec.signal.batchOnly,
        }
      : null,
    runAs: identity.runAs,
    uid: identity.uid,
    gid: identity.gid,
    arrayMaxConcurrent: isArray ? (spec.array?.maxConcurrent ?? null) : null,
    tasks,
  };
}
