import { CommanderError } from 'commander';
import { buildCli, parseCliFlags } from './cli-flags';

function quiet() {
  return buildCli().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
}

describe('command-line flags', () => {
  it('parses the flags JupyterHub passes to configurable-http-proxy', () => {
    const flags = parseCliFlags(
      ['--ip', '', '--port', '8000', '--api-ip', '127.0.0.1', '--api-port', '8001', '--error-target', 'http://127.0.0.1:8081/hub/error', '--log-level', 'DEBUG', '--host-routing'],
      quiet(),
    );
    expect(flags).toEqual({ ip: '', port: 8000, apiIp: '127.0.0.1', apiPort: 8001, errorTarget: 'http://127.0.0.1:8081/hub/error', logLevel: 'debug', hostRouting: true });
  });

  it('reports --no-x-forward only when given', () => {
    expect(parseCliFlags([], quiet()).xForward).toBeUndefined();
    expect(parseCliFlags(['--no-x-forward'], quiet()).xForward).toBe(false);
  });

  it('parses millisecond timeouts and the proxy’s own flags', () => {
    expect(parseCliFlags(['--timeout', '30000', '--proxy-timeout', '5000', '--response-header-timeout', '2500', '--store', 'memory', '--metrics-port', '8002'], quiet())).toEqual({
      timeout: 30000,
      proxyTimeout: 5000,
      responseHeaderTimeout: 2500,
      store: 'memory',
      metricsPort: 8002,
    });
  });

  it.each([
    [['--port', '99999'], "option '--port <n>' argument '99999' is invalid. expected a port number 0-65535."],
    [['--log-level', 'loud'], "option '--log-level <level>' argument 'loud' is invalid. expected one of trace, debug, info, warn, error, fatal, silent."],
    [['--store', 'disk'], "option '--store <kind>' argument 'disk' is invalid. Allowed choices are redis, memory."],
    [['--ssl-key', 'k.pem'], "unknown option '--ssl-key'"],
  ])('refuses %j, naming the flag', (args, message) => {
    let error: unknown;
    try {
      parseCliFlags(args, quiet());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).message).toBe(`error: ${message}`);
  });
});
