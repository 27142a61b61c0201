import type { CheckResult } from '../pool/member-health';
import { connectToNode } from './node-connection';

const SSH2_BANNER = /^SSH-(?:2\.0|1\.99)-/;

/** One health check of a login node: a fresh TCP connection that must show an SSH-2.0 banner in time. */
export async function checkSshBanner(host: string, port: number, timeoutMs: number): Promise<CheckResult> {
  const c = await connectToNode(host, port, timeoutMs);
  if (!c.ok) return { ok: false, latencyMs: null, detail: c.detail };
  c.socket.destroy();
  const line = c.banner.toString('latin1').split('\n', 1)[0].trim();
  if (!SSH2_BANNER.test(line)) return { ok: false, latencyMs: null, detail: `not an SSH-2.0 banner: ${JSON.stringify(line.slice(0, 60))}` };
  return { ok: true, latencyMs: c.ms, detail: line.slice(0, 120) };
}
