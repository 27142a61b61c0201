import { notebookUrl } from './notebook-state';

export interface ProbeOptions {
  attempts: number;
  intervalMs: number;
  timeoutMs: number;
}

/** A few seconds: the launcher registers only once the server answers locally. */
export const DEFAULT_PROBE: ProbeOptions = { attempts: 20, intervalMs: 500, timeoutMs: 3000 };

/**
 * The gateway's own readiness check: HTTP 200 from `http://host:port{prefix}api` (the notebook
 * contract's READY), retried briefly. Returns null when it answered, else what went wrong last.
 */
export async function probeServer(host: string, port: number, prefix: string, o: ProbeOptions = DEFAULT_PROBE): Promise<string | null> {
  const url = `${notebookUrl(host, port)}${prefix}api`;
  let last = 'no attempt';
  for (let i = 0; i < o.attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, o.intervalMs));
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(o.timeoutMs), redirect: 'manual' });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 200) return null;
      last = `${url} answered HTTP ${res.status}`;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      last = `${url}: ${err.cause?.code ?? err.cause?.message ?? err.message}`;
    }
  }
  return last;
}
