/**
 * The CLI's own configuration (it runs as a separate process from the gateway): where the gateway is
 * and which token to present. This is the only place the CLI reads HPCG_URL, HPCG_TOKEN or the token file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:4000';

export interface CliConfig {
  /** Base URL of the gateway, without a trailing slash. */
  url: string;
  /** The GraphQL endpoint: `${url}/graphql`. */
  graphqlUrl: string;
  /** Bearer token, or null when none is configured. */
  token: string | null;
  /** Where `hpcg login` stores the token and where it is read from when HPCG_TOKEN is unset. */
  tokenFile: string;
}

export class CliConfigError extends Error {}

export function tokenFilePath(homeDir: string): string {
  return join(homeDir, '.config', 'hpcg', 'token');
}

export function loadCliConfig(env: NodeJS.ProcessEnv, homeDir: string): CliConfig {
  const url = parseGatewayUrl(env.HPCG_URL?.trim() || DEFAULT_GATEWAY_URL);
  const tokenFile = tokenFilePath(homeDir);
  const fromEnv = env.HPCG_TOKEN?.trim();
  const token = fromEnv ? fromEnv : readTokenFile(tokenFile);
  return { url, graphqlUrl: `${url}/graphql`, token, tokenFile };
}

function parseGatewayUrl(raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new CliConfigError(`HPCG_URL "${raw}" is not a URL: expected e.g. ${DEFAULT_GATEWAY_URL}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CliConfigError(`HPCG_URL "${raw}" uses ${parsed.protocol.replace(':', '')}: only http and https are allowed`);
  }
  return parsed.href.replace(/\/+$/, '');
}

function readTokenFile(path: string): string | null {
  try {
    const token = readFileSync(path, 'utf8').trim();
    return token === '' ? null : token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliConfigError(`cannot read the token file ${path}: ${(err as Error).message}`);
  }
}
