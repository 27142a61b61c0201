import { forbidden } from '../../common/domain-error';
import type { JobOwner } from '../backend';
import type { LaunchIdentity } from './launch-plan';

/** The Unix user the worker process runs as. */
export interface WorkerIdentity {
  user: string;
  uid: number;
  gid: number;
  home: string;
}

/** Who a job runs as: its owner. A worker running as root switches to them; any other worker can only run its own jobs. */
export interface JobIdentity {
  user: string;
  uid: number;
  gid: number;
  home: string | null;
  /** Set when the launcher must switch identity; null when the job runs as the worker itself. */
  runAs: LaunchIdentity | null;
}

export function resolveJobIdentity(owner: JobOwner, worker: WorkerIdentity, engine: string): JobIdentity {
  // No uid known for the owner: the gateway means "the worker's own user".
  if (owner.uid === null || owner.uid === worker.uid) {
    return { user: owner.username, uid: worker.uid, gid: worker.gid, home: owner.home ?? worker.home, runAs: null };
  }
  if (worker.uid !== 0) {
    throw forbidden(
      `the local engine runs jobs as ${worker.user}; job owner ${owner.username} (uid ${owner.uid}) cannot run here unless the worker runs as root`,
      { engine, owner: owner.username, uid: owner.uid, workerUser: worker.user },
    );
  }
  if (owner.gid === null) {
    throw forbidden(`job owner ${owner.username} (uid ${owner.uid}) has no primary group (gid); engine ${engine} cannot run a job without one`, {
      engine,
      owner: owner.username,
      uid: owner.uid,
    });
  }
  const runAs: LaunchIdentity = { user: owner.username, uid: owner.uid, gid: owner.gid, groups: [...owner.groups], home: owner.home };
  return { user: owner.username, uid: owner.uid, gid: owner.gid, home: owner.home, runAs };
}
