/**
 * Everything a command touches outside itself, in one object: output streams, stdin, the process
 * environment and directory, the clock, and the gateway. main.ts fills it from the real process;
 * tests fill it with buffers and a local server.
 */
import type { CliConfig } from './cli-config';
import { GatewayClient } from './gateway-client';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<Buffer>;
  stdinIsTty: boolean;
  /** A line typed at the terminal (stdin is a TTY), shown as typed or, for secrets, not at all. */
  promptLine(prompt: string, echo: boolean): Promise<string>;
  /** The submitting process's environment (sbatch forwards it, minus the token). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export interface CliContext {
  io: CliIo;
  /** Loaded on first use, so `hpcg shims` and `--help` work without a gateway configuration. */
  config(): CliConfig;
  /** A client with the configured token, or with another one (`hpcg login` checks a new token). */
  client(token?: string | null): GatewayClient;
  /** Absolute paths the shims exec: the node binary and the `hpcg` executable (dist/bin/hpcg.js). */
  nodePath: string;
  entryScript: string;
  version: string;
}

export function createContext(
  io: CliIo,
  loadConfig: () => CliConfig,
  paths: { nodePath: string; entryScript: string; version: string },
): CliContext {
  let config: CliConfig | null = null;
  const getConfig = () => (config ??= loadConfig());
  return {
    io,
    config: getConfig,
    client: (token) => {
      const c = getConfig();
      return new GatewayClient(token === undefined ? c : { ...c, token });
    },
    ...paths,
  };
}
