import { CheckResult } from './member-health';
import type { Upstream } from '../http/upstream';

/**
 * One active health check: GET <member><path> on a fresh connection (so a member that stopped
 * accepting connections fails even while pooled ones linger); a 2xx or 3xx answer in time is good.
 */
export function probe(upstream: Upstream, path: string, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    const settle = (result: CheckResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = upstream.request({
      hostname: upstream.hostname,
      port: upstream.port,
      path: upstream.basePath + path,
      method: 'GET',
      agent: false,
      headers: { 'user-agent': 'hpcg-proxy-health-check', connection: 'close' },
    });
    const timer = setTimeout(() => {
      settle({ ok: false, latencyMs: null, detail: `timed out after ${timeoutMs}ms` });
      req.destroy();
    }, timeoutMs);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const latencyMs = performance.now() - started;
      res.resume();
      settle({ ok: status >= 200 && status < 400, latencyMs, detail: `HTTP ${status}` });
    });
    req.on('error', (err: NodeJS.ErrnoException) => settle({ ok: false, latencyMs: null, detail: describeNetworkError(err) }));
    req.end();
  });
}

/** A short, stable description of a network error, for logs and the status page (never a stack trace). */
export function describeNetworkError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not resolved';
    case 'ETIMEDOUT':
      return 'timed out';
    default:
      return err.code ? `${err.code}: ${err.message}` : err.message;
  }
}
