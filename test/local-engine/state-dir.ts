import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEngine } from '../../src/engines/local/local-engine';
import type { LocalEngineOptions } from '../../src/engines/local/local-engine-options';
import { isAlive, liveGroupMembers, ProcessStamp } from '../../src/engines/local/runtime/process-stamp';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  o: object;
  msg?: string;
}

/** The database id test engines serve unless a test says otherwise (the state directory records it). */
export const TEST_DATABASE_ID = '00000000-0000-4000-8000-000000000001';

/** A scratch root for one test file: state directories and job working directories inside it. */
export class Scratch {
  readonly root = mkdtempSync(join(tmpdir(), 'hpcg-local-'));
  readonly logs: LogLine[] = [];
  private readonly engines: LocalEngine[] = [];

  constructor() {
    // mkdtemp makes it 0700; job owners other than root must be able to reach their files inside.
    chmodSync(this.root, 0o755);
  }

  engine(overrides: Partial<LocalEngineOptions> & { stateDir: string }): LocalEngine {
    const logger = {
      info: (o: object, msg?: string) => this.logs.push({ level: 'info', o, msg }),
      warn: (o: object, msg?: string) => this.logs.push({ level: 'warn', o, msg }),
      error: (o: object, msg?: string) => this.logs.push({ level: 'error', o, msg }),
    };
    const b = new LocalEngine({ name: 'local', slots: 2, killWaitSeconds: 1, pollIntervalMs: 50, clusterName: 'testcluster', databaseId: TEST_DATABASE_ID, logger, ...overrides });
    this.engines.push(b);
    return b;
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** Stops every engine and kills whatever a failed test left running, then removes the directory. */
  async cleanup(): Promise<void> {
    await Promise.all(this.engines.map((b) => b.stop()));
    for (const stamp of this.stamps()) {
      if (isAlive(stamp)) {
        try {
          process.kill(-stamp.pid, 'SIGKILL');
        } catch {
          /* not a group leader */
        }
        try {
          process.kill(stamp.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      for (const pid of liveGroupMembers(stamp.pid, stamp.startTicks)) process.kill(pid, 'SIGKILL');
    }
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Every launcher and job process stamp recorded under the scratch root. */
  private stamps(): ProcessStamp[] {
    const found: ProcessStamp[] = [];
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (entry.name === 'launcher' || entry.name === 'pid') found.push(JSON.parse(readFileSync(p, 'utf8')) as ProcessStamp);
      }
    };
    walk(this.root);
    return found;
  }
}
