/**
 * A CliIo that keeps everything in memory, and a context around it, for tests that run commands
 * in-process.
 */
import type { CliConfig } from '../../src/cli/cli-config';
import { type CliContext, type CliIo, createContext } from '../../src/cli/cli-context';

export interface MemoryIo extends CliIo {
  out: string[];
  err: string[];
  stdoutText(): string;
  stderrText(): string;
  sleeps: number[];
}

export function memoryIo(overrides: Partial<CliIo> & { stdinText?: string; clock?: Date } = {}): MemoryIo {
  const out: string[] = [];
  const err: string[] = [];
  const sleeps: number[] = [];
  const { stdinText, clock, ...rest } = overrides;
  return {
    out,
    err,
    sleeps,
    stdoutText: () => out.join(''),
    stderrText: () => err.join(''),
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readStdin: async () => Buffer.from(stdinText ?? '', 'utf8'),
    stdinIsTty: stdinText === undefined,
    promptLine: async () => {
      throw new Error('this test types nothing at the terminal');
    },
    env: {},
    cwd: '/home/alice/work',
    now: () => clock ?? new Date(2026, 10, 21, 16, 29, 3),
    sleep: async (ms) => void sleeps.push(ms),
    ...rest,
  };
}

export function testContext(io: CliIo, config: Partial<CliConfig> = {}): CliContext {
  const url = config.url ?? 'http://127.0.0.1:9';
  return createContext(
    io,
    () => ({ url, graphqlUrl: `${url}/graphql`, urlSource: 'HPCG_URL', token: 'test-token', tokenFile: '/nonexistent/token', actAs: null, ...config }),
    { nodePath: '/usr/bin/node', entryScript: '/opt/hpcg/dist/bin/hpcg.js', version: '0.1.0-test' },
  );
}
