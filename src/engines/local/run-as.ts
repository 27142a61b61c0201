import type { SecurityConfig } from '../../config/security-config.schema';
import { forbidden } from '../../common/domain-error';
import { assertUnixIdentity, userWording } from '../../users/unix-identity';
import type { JobOwner } from '../engine';
import type { LaunchIdentity } from './launch-plan';

/** The Unix user the worker process runs as. */
export interface WorkerIdentity {
  user: string;
  uid: number;
  gid: number;
  home: string;
}

/** Who a job runs as: its owner. A worker running as root switches to them; any other worker can only run its own user's jobs. */
export interface JobIdentity {
  user: string;
  uid: number;
  gid: number;
  home: string | null;
  /** Set when the launcher must switch identity; null when the owner IS the worker's user (a single-user, non-root worker). */
  runAs: LaunchIdentity | null;
}

/**
 * The identity a job runs as on the local engine, or FORBIDDEN. Defense in depth behind the check at
 * submission (src/users/unix-identity.ts): an owner without a uid/gid, or below the site's minimum,
 * never runs — in particular never as the worker's own user (root on a production worker).
 */
export function resolveJobIdentity(owner: JobOwner, worker: WorkerIdentity, engine: string, security: SecurityConfig): JobIdentity {
  assertUnixIdentity(owner, security, userWording(owner.username), { engine });
  // A worker that is not root can run jobs only as itself: the single-user installation.
  if (owner.uid === worker.uid) {
    return { user: owner.username, uid: worker.uid, gid: worker.gid, home: owner.home ?? worker.home, runAs: null };
  }
  if (worker.uid !== 0) {
    throw forbidden(
      `the local engine runs jobs as ${worker.user}; job owner ${owner.username} (uid ${owner.uid}) cannot run here unless the worker runs as root`,
      { engine, owner: owner.username, uid: owner.uid, workerUser: worker.user },
    );
  }
  const runAs: LaunchIdentity = { user: owner.username, uid: owner.uid, gid: owner.gid, groups: [...owner.groups], home: owner.home };
  return { user: owner.username, uid: owner.uid, gid: owner.gid, home: owner.home, runAs };
}
