import type { ArrayTaskRef, EngineJob, JobOwner } from '../../src/engines/engine';
import { jobSpecDefaults, type JobSpec } from '../../src/domain/job';
import { testJobIdentity } from '../support/test-accounts';

/** A JobSpec as the parser produces it for `sbatch script.sh` with no options. */
export function jobSpec(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    ...jobSpecDefaults(),
    name: 'test.sh',
    environment: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/root', LANG: 'C.UTF-8' },
    script: '#!/bin/bash\necho hello\n',
    ...overrides,
  };
}

/**
 * The owner test jobs run as: a real account with uid/gid >= 1000 (a root worker switches to it), or the
 * tester's own user when the tests do not run as root. Never root: no job runs as root (DESIGN.md §4).
 */
export function workerOwner(): JobOwner {
  const id = testJobIdentity();
  return { username: id.username, uid: id.uid, gid: id.gid, groups: [], home: id.home };
}

/** Array task refs the way the gateway numbers them: raw ids after the master id. */
export function arrayTasks(jobId: number, indices: number[]): ArrayTaskRef[] {
  return indices.map((index, i) => ({ index, rawId: i === 0 ? jobId : jobId + i }));
}

/** A fixed nonce per id, the shape PostgreSQL gives jobs.submit_nonce (32 hex digits), so tests can write it out. */
export function testNonce(id: number): string {
  return `n${id}`.padEnd(32, '0').replace(/[^0-9a-f]/g, 'e');
}

export function engineJob(id: number, workdir: string, spec: Partial<JobSpec> = {}, extra: Partial<EngineJob> = {}): EngineJob {
  const full = jobSpec(spec);
  return {
    id,
    nonce: testNonce(id),
    spec: full,
    owner: workerOwner(),
    partition: 'debug',
    enginePartition: 'debug',
    timeLimitMinutes: full.timeLimitMinutes,
    workdir,
    submitDir: workdir,
    submitHost: 'submit-host',
    tasks: full.array ? arrayTasks(id, full.array.indices) : [],
    dependency: null,
    ...extra,
  };
}
