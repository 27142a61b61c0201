import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';

/** The Unix account tests run jobs as when they run as root (scripts/test-deps/users.sh creates it). */
export const TEST_JOB_ACCOUNT = 'hpcg-job';

export interface TestUnixIdentity {
  username: string;
  uid: number;
  gid: number;
  home: string;
}

let cached: TestUnixIdentity | null = null;

/**
 * The real Unix identity a test's jobs run as: jobs never run as root nor without an identity (DESIGN.md
 * §4). As root: the `hpcg-job` account, created here if `npm test`'s users.sh did not run (one test file
 * run alone). Otherwise: the tester's own user, the single-user case of a non-root worker.
 */
export function testJobIdentity(): TestUnixIdentity {
  if (cached) return cached;
  if (process.getuid?.() !== 0) {
    const me = userInfo();
    cached = { username: me.username, uid: me.uid, gid: me.gid, home: me.homedir };
    return cached;
  }
  const entry = () => {
    try {
      return execFileSync('getent', ['passwd', TEST_JOB_ACCOUNT], { encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  let line = entry();
  if (!line) {
    try {
      execFileSync('useradd', ['--create-home', '--shell', '/bin/bash', '--user-group', TEST_JOB_ACCOUNT], { stdio: 'pipe' });
    } catch {
      // Another test process created it first.
    }
    line = entry();
  }
  if (!line) throw new Error(`test account ${TEST_JOB_ACCOUNT} is missing and could not be created (scripts/test-deps/users.sh)`);
  const [username, , uid, gid, , home] = line.split(':');
  cached = { username, uid: Number(uid), gid: Number(gid), home };
  return cached;
}

/** Creates `dir` (and parents) owned by the test job identity, so jobs can write their output there. */
export function ownedDir(dir: string, mode = 0o755): string {
  mkdirSync(dir, { recursive: true, mode });
  const id = testJobIdentity();
  chownSync(dir, id.uid, id.gid);
  return dir;
}

/** Gives an existing file or directory to the test job identity (a file a job appends to, say). */
export function giveToTestJob(path: string): void {
  const id = testJobIdentity();
  chownSync(path, id.uid, id.gid);
}
