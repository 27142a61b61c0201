import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/**
 * Where a notebook's job runs, as network addresses: a registration is accepted only from there (issue
 * 13, item 9). Otherwise anyone holding a leaked notebook token could point the hub's proxy at any
 * internal service.
 */

/** One spelling per address: no IPv4-mapped IPv6 prefix, no zone id, lower case. */
export function normalizeAddress(address: string): string {
  const a = address.trim().toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return mapped ? mapped[1] : a;
}

/** This machine's own addresses (loopback included): the local engine's one node. */
export function localAddresses(): string[] {
  const out = ['127.0.0.1', '::1'];
  for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) out.push(normalizeAddress(i.address));
  return out;
}

const ME = new Set(['localhost', hostname().toLowerCase(), hostname().toLowerCase().split('.')[0]]);

/** The names in a job's node list: `a,b`, and Slurm's bracket ranges `n[01-03,7]`. */
export function nodeNames(nodeList: string | null): string[] {
  if (!nodeList) return [];
  const names: string[] = [];
  for (const m of nodeList.matchAll(/([^,[\]]+)(?:\[([^\]]*)\])?/g)) {
    const [, base, ranges] = m;
    if (ranges === undefined) {
      names.push(base.trim());
      continue;
    }
    for (const part of ranges.split(',')) {
      const [from, to = from] = part.split('-');
      const width = from.length;
      // A site with thousands of nodes still runs a notebook on one or two: a bound keeps a bad list cheap.
      for (let n = Number(from); n <= Number(to) && names.length < 1024; n++) names.push(`${base.trim()}${String(n).padStart(width, '0')}`);
    }
  }
  return names.filter((n) => n.length > 0);
}

/** What a host name or address stands for, normalized; a name that does not resolve stands for nothing. */
export async function resolveHost(host: string): Promise<string[]> {
  if (isIP(host)) return [normalizeAddress(host)];
  const out: string[] = [];
  if (ME.has(host.toLowerCase())) out.push(...localAddresses());
  try {
    out.push(...(await lookup(host, { all: true, verbatim: true })).map((a) => normalizeAddress(a.address)));
  } catch {
    // Unknown names add nothing: the check then refuses, it never widens.
  }
  return out;
}

/**
 * The addresses of the job's node(s): its node list resolved, the local engine's own machine, and what
 * the engine itself reports (a Kubernetes pod's and its node's IPs).
 */
export async function jobNodeAddresses(job: { nodeList: string | null }, local: boolean, engineAddresses: string[] = []): Promise<Set<string>> {
  const out = new Set<string>(engineAddresses.map(normalizeAddress));
  if (local) for (const a of localAddresses()) out.add(a);
  for (const name of nodeNames(job.nodeList)) for (const a of await resolveHost(name)) out.add(a);
  return out;
}
