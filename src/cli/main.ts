#!/usr/bin/env node
/**
 * The `hpcg` executable: wires the real process (streams, environment, clock) into the command tree.
 * Configuration comes from cli-config.ts, loaded only when a command talks to the gateway.
 */
import { homedir } from 'node:os';
import { packageVersion } from '../common/package-files';
import { loadCliConfig } from './cli-config';
import { createContext, type CliIo } from './cli-context';
import { runCli } from './program';
import { readTerminalLine } from './terminal-input';

function readAllStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

// `squeue | head` closes the pipe early; that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: readAllStdin,
  stdinIsTty: process.stdin.isTTY === true,
  promptLine: (prompt, echo) => readTerminalLine(process.stdin, (t) => process.stderr.write(t), prompt, echo),
  env: process.env,
  cwd: process.cwd(),
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const ctx = createContext(io, () => loadCliConfig(process.env, homedir()), {
  nodePath: process.execPath,
  // The file node was started with: dist/bin/hpcg.js, which runs the bundle this code is part of.
  entryScript: require.main?.filename ?? __filename,
  version: packageVersion(),
});

/**
 * Exits once what was written has been flushed, without waiting for fetch's idle keep-alive connection
 * to the gateway to close: that wait (~0.7 s measured) was most of a `squeue` in a polling loop.
 */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

runCli(process.argv.slice(2), ctx).then(exitAfterFlush, (err: unknown) => {
  process.stderr.write(`hpcg: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  exitAfterFlush(1);
});
