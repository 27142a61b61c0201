import { Command, InvalidArgumentError, Option } from 'commander';

/**
 * Command-line flags. The first group has configurable-http-proxy's names and meanings, so JupyterHub
 * (or a site's unit file) can start hpcg-proxy in CHP's place; the rest are hpcg-proxy's own.
 * Flags override the `proxy.http` section of the site configuration.
 */
export interface CliFlags {
  ip?: string;
  port?: number;
  apiIp?: string;
  apiPort?: number;
  metricsIp?: string;
  metricsPort?: number;
  defaultTarget?: string;
  errorTarget?: string;
  errorPath?: string;
  logLevel?: string;
  hostRouting?: boolean;
  /** Only present when --no-x-forward was given. */
  xForward?: false;
  /** CHP's --timeout: milliseconds a client connection may stay silent during a request. */
  timeout?: number;
  /** CHP's --proxy-timeout: milliseconds an upstream may stay silent. */
  proxyTimeout?: number;
  /** Milliseconds from a request fully sent upstream to the response headers (timeouts.responseHeaders). */
  responseHeaderTimeout?: number;
  keepAliveTimeout?: number;
  config?: string;
  store?: 'redis' | 'memory';
  redisUrl?: string;
  workers?: number | 'auto';
}

function port(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('expected a port number 0-65535.');
  return Number(value);
}

function workers(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  if (!/^\d{1,2}$/.test(value) || Number(value) < 1 || Number(value) > 64) throw new InvalidArgumentError('expected 1-64 or auto.');
  return Number(value);
}

function millis(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError('expected a whole number of milliseconds.');
  return Number(value);
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export function buildCli(): Command {
  return new Command()
    .name('hpcg-proxy')
    .description('HTTP edge proxy of hpc-gateway: routes, health-checked pools, websockets and a configurable-http-proxy compatible route API')
    .option('--ip <ip-address>', 'public-facing IP of the proxy ("" or "*" = all interfaces)')
    .option('--port <n>', 'public-facing port of the proxy', port)
    .option('--api-ip <ip>', 'inward-facing IP for the route API')
    .option('--api-port <n>', 'inward-facing port for the route API (default: port + 1 when --port is given)', port)
    .option('--metrics-ip <ip>', 'IP of the metrics and status server')
    .option('--metrics-port <n>', 'port of the metrics and status server', port)
    .option('--default-target <url>', 'default proxy target (proto://host[:port])')
    .option('--error-target <url>', 'server for error pages: GET <url>/<code>?url=<path>')
    .option('--error-path <dir>', 'directory with <code>.html or error.html error pages')
    .addOption(new Option('--log-level <level>', 'log level').argParser((v) => {
      const level = v.toLowerCase();
      if (!LOG_LEVELS.includes(level)) throw new InvalidArgumentError(`expected one of ${LOG_LEVELS.join(', ')}.`);
      return level;
    }))
    .option('--host-routing', 'use the request host as the first level of every route')
    .option('--no-x-forward', "don't add X-Forwarded-* headers to proxied requests")
    .option('--timeout <ms>', 'milliseconds a client may stay silent while a request is open', millis)
    .option('--proxy-timeout <ms>', 'milliseconds an upstream may stay silent before the request fails with 504', millis)
    .option('--response-header-timeout <ms>', 'milliseconds from a request fully sent upstream to its response headers before 504 (0 = off)', millis)
    .option('--keep-alive-timeout <ms>', 'milliseconds an idle client keep-alive connection stays open', millis)
    .option('--config <file>', 'site configuration file (default: $HPCG_CONFIG, else ./hpcg.yaml)')
    .addOption(new Option('--store <kind>', 'where API routes live').choices(['redis', 'memory']))
    .option('--redis-url <url>', 'Redis for the route store (default: $REDIS_URL, else redis://127.0.0.1:6379)')
    .option('--workers <n>', 'processes serving traffic, or "auto" for one per CPU (more than one needs --store redis)', workers)
    .exitOverride()
    .allowExcessArguments(false);
}

/** Parses argv (without the node and script entries). Throws commander's CommanderError on bad flags or --help. */
export function parseCliFlags(args: string[], cli: Command = buildCli()): CliFlags {
  cli.parse(args, { from: 'user' });
  const opts = cli.opts<CliFlags & { xForward: boolean }>();
  const flags: CliFlags = { ...opts };
  delete flags.xForward;
  if (cli.getOptionValueSource('xForward') === 'cli' && opts.xForward === false) flags.xForward = false;
  return flags;
}
