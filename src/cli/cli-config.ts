/**
 * The CLI's own configuration (it runs as a separate process from the gateway): where the gateway is,
 * which token to present, and for whom. Found the way Slurm's commands find slurm.conf, so tools that
 * run them with a scrubbed environment (batchspawner's `sudo -E -u USER`, OOD over SSH) still work.
 * Precedence, first found wins (every file is still read and checked):
 *   gateway URL: HPCG_URL > the URL baked into a shim (`hpcg shims --url`) > the user's cli.yaml
 *                > the system file > http://127.0.0.1:4000
 *   token:       HPCG_TOKEN > the user's token file (`hpcg login` writes it)
 *   acting for:  HPCG_ACT_AS (a service account's token only; the gateway decides)
 * The system file (/etc/hpcg/cli.yaml, or HPCG_CONF like Slurm's SLURM_CONF) is the site's: a URL,
 * never a token. The user's files live in $XDG_CONFIG_HOME/hpcg/ (default ~/.config/hpcg/).
 * This is the only place the CLI reads these variables and files.
 */
import { join } from 'node:path';
import { CliConfigError, currentUid, readSettingsFile, readTokenFile } from './cli-config-file';
import { FlatYamlError, parseFlatYaml } from './flat-yaml';

export { CliConfigError } from './cli-config-file';

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:4000';
export const SYSTEM_CONFIG_FILE = '/etc/hpcg/cli.yaml';
/** Set by the shims `hpcg shims --url` writes: the site URL they were made for. */
export const SHIM_URL_VARIABLE = 'HPCG_SHIM_URL';

export interface CliConfig {
  /** Base URL of the gateway, without a trailing slash. */
  url: string;
  /** The GraphQL endpoint: `${url}/graphql`. */
  graphqlUrl: string;
  /** Where the URL came from (a variable or a file), for messages. */
  urlSource: string;
  /** Bearer token, or null when none is configured. */
  token: string | null;
  /** Where `hpcg login` stores the token and where it is read from when HPCG_TOKEN is unset. */
  tokenFile: string;
  /** The user a service account's token acts for (HPCG_ACT_AS), or null. */
  actAs: string | null;
}

export interface CliConfigOptions {
  /** The user the files are checked against; default: this process's. */
  uid?: number;
  /** The system file when HPCG_CONF is unset; default /etc/hpcg/cli.yaml. */
  systemFile?: string;
}

/** The user's configuration folder: $XDG_CONFIG_HOME/hpcg when it is absolute (the XDG rule), else ~/.config/hpcg. */
export function userConfigDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  return xdg && xdg.startsWith('/') ? join(xdg, 'hpcg') : join(homeDir, '.config', 'hpcg');
}

export function tokenFilePath(homeDir: string, env: NodeJS.ProcessEnv = {}): string {
  return join(userConfigDir(env, homeDir), 'token');
}

/** What each settings file may hold. Tokens are personal: never in a settings file. */
const SETTINGS_KEYS = ['url'];

export function loadCliConfig(env: NodeJS.ProcessEnv, homeDir: string, options: CliConfigOptions = {}): CliConfig {
  const uid = options.uid ?? currentUid();
  const dir = userConfigDir(env, homeDir);
  const tokenFile = join(dir, 'token');
  const explicitSystem = env.HPCG_CONF?.trim();
  const systemFile = explicitSystem || options.systemFile || SYSTEM_CONFIG_FILE;

  // Both files are read and checked even when a variable decides, as Slurm always reads slurm.conf:
  // a broken or unsafe file is reported at once, not on the day the variable is gone.
  const url = firstUrl([
    fromVariable(env, 'HPCG_URL'),
    fromVariable(env, SHIM_URL_VARIABLE, 'the shim'),
    fromSettings(join(dir, 'cli.yaml'), uid, false),
    fromSettings(systemFile, uid, !!explicitSystem, 'HPCG_CONF'),
  ]);
  const fromEnv = env.HPCG_TOKEN?.trim();
  const token = fromEnv ? fromEnv : readTokenFile(tokenFile, uid);
  return { url: url.value, graphqlUrl: `${url.value}/graphql`, urlSource: url.source, token, tokenFile, actAs: actAsUser(env) };
}

interface Found {
  value: string;
  source: string;
}

function firstUrl(sources: (Found | null)[]): Found {
  const found = sources.find((s) => s !== null);
  return found ? { value: parseGatewayUrl(found.value, found.source), source: found.source } : { value: DEFAULT_GATEWAY_URL, source: 'the default' };
}

function fromVariable(env: NodeJS.ProcessEnv, name: string, source = name): Found | null {
  const value = env[name]?.trim();
  return value ? { value, source } : null;
}

/** `url` of a settings file; a file that must exist (named by HPCG_CONF) is an error when missing. */
function fromSettings(path: string, uid: number, required: boolean, namedBy?: string): Found | null {
  const text = readSettingsFile(path, uid);
  if (text === null) {
    if (required) throw new CliConfigError(`${path} (named by ${namedBy}) does not exist`);
    return null;
  }
  let values: Map<string, string>;
  try {
    values = parseFlatYaml(text);
  } catch (err) {
    if (err instanceof FlatYamlError) throw new CliConfigError(`${path}, ${err.message}`);
    throw err;
  }
  for (const key of values.keys()) {
    if (key === 'token') {
      throw new CliConfigError(`${path}: key "token" is not allowed: a token is personal and goes in the token file (hpcg login writes it, mode 0600), never in cli.yaml`);
    }
    if (!SETTINGS_KEYS.includes(key)) throw new CliConfigError(`${path}: unknown key "${key}"; allowed: ${SETTINGS_KEYS.join(', ')}`);
  }
  const url = values.get('url');
  return url === undefined ? null : { value: url, source: `${path} (key "url")` };
}

/** A gateway base URL without its trailing slash; `source` names where it came from in the error. */
export function parseGatewayUrl(raw: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new CliConfigError(`${source}: "${raw}" is not a URL: expected e.g. ${DEFAULT_GATEWAY_URL}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CliConfigError(`${source}: "${raw}" uses ${parsed.protocol.replace(':', '')}: only http and https are allowed`);
  }
  if (parsed.username || parsed.password) throw new CliConfigError(`${source}: the URL carries a user name or password: give the token with hpcg login or HPCG_TOKEN instead`);
  return parsed.href.replace(/\/+$/, '');
}

/** HPCG_ACT_AS names a user the way the gateway's users are named: one word, no spaces or control characters. */
function actAsUser(env: NodeJS.ProcessEnv): string | null {
  const raw = env.HPCG_ACT_AS;
  if (raw === undefined || raw.trim() === '') return null;
  const name = raw.trim();
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name)) {
    throw new CliConfigError(`HPCG_ACT_AS "${name}" is not a user name: letters, digits, ".", "_", "@" and "-", 1-64 characters`);
  }
  return name;
}
