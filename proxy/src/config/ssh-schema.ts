import { z } from 'zod';
import { address, checkTimingFields, duration, int, refineCheckTiming } from './schema-primitives';

/**
 * `proxy.ssh`: the SSH front (DESIGN.md §5, §8). One TCP listener in front of the site's login
 * nodes; the proxy never terminates SSH, it only chooses the node and pipes bytes.
 */

export const SSH_POLICIES = ['least-loaded', 'least-connections', 'round-robin'] as const;
export type SshPolicy = (typeof SSH_POLICIES)[number];

const NODE_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]+)$/;

export const DEFAULT_PROBE_COMMAND = 'cat /proc/loadavg; nproc; who | wc -l';

const nodeSchema = z
  .object({
    name: z.string().regex(NODE_NAME, 'node names use letters, digits, ".", "-" and "_" (1-64)'),
    host: z.string().regex(HOST, 'a host name or an IP address'),
    port: int(1, 65535).default(22),
    /** Relative capacity: a node of weight 2 is given twice the share of a node of weight 1. */
    weight: int(1, 1000).default(1),
    /** CPUs to divide the load by, when the probe's count is not the one to use (a cgroup limit). */
    cpus: int(1, 100_000).optional(),
  })
  .strict();

const probeSchema = z
  .object({
    /** The account the probe logs in as (a dedicated one: it only needs to run the command). */
    user: z.string().min(1),
    /** Private key of that account (OpenSSH or PEM format). */
    keyFile: z.string().min(1),
    /** Its output: a /proc/loadavg line, then the CPU count, then the number of logged-in users. */
    command: z.string().min(1).default(DEFAULT_PROBE_COMMAND),
    interval: duration.prefault('10s'),
    timeout: duration.prefault('5s'),
    /** A node whose probe fails keeps its last score this long, then counts as of unknown load. */
    maxAge: duration.prefault('1m'),
    /** Load one logged-in user (or one connection sent since the last probe) is expected to add. */
    userLoad: z.number().min(0).max(100).default(0.1),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.interval < 500) ctx.addIssue({ code: 'custom', path: ['interval'], message: 'must be at least 500ms' });
    if (p.timeout < 100) ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'must be at least 100ms' });
    if (p.maxAge < p.interval) ctx.addIssue({ code: 'custom', path: ['maxAge'], message: 'must be at least the probe interval' });
  });

const timeoutsSchema = z
  .object({
    /** TCP connect plus the node's SSH banner; after it the connection is tried on the next node. */
    connect: duration.prefault('3s'),
    /** A connection with no byte in either direction for this long is closed; 0 = never. */
    idle: duration.prefault('0'),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.connect < 10) ctx.addIssue({ code: 'custom', path: ['connect'], message: 'must be at least 10ms' });
  });

export const proxySshSchema = z
  .object({
    listen: address.prefault('0.0.0.0:22'),
    policy: z.enum(SSH_POLICIES).default('least-loaded'),
    /** Health: TCP connect plus an "SSH-2.0-" banner within `timeout`, every `interval`. */
    check: z.object(checkTimingFields).strict().superRefine(refineCheckTiming).prefault({}),
    probe: probeSchema.optional(),
    timeouts: timeoutsSchema.prefault({}),
    /** Open client connections on the SSH listener. */
    maxConnections: int(1, 1_000_000).default(10_000),
    nodes: z.array(nodeSchema).min(1, 'the SSH front needs at least one login node').max(256),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.nodes.forEach((n, i) => {
      if (seen.has(n.name)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'name'], message: `node name "${n.name}" is used twice` });
      seen.add(n.name);
    });
    if (c.policy === 'least-loaded' && !c.probe) {
      ctx.addIssue({ code: 'custom', path: ['probe'], message: 'the least-loaded policy needs a load probe (user, keyFile); or choose policy least-connections or round-robin' });
    }
  });

export type ProxySshSettings = z.output<typeof proxySshSchema>;
export type SshNodeSettings = ProxySshSettings['nodes'][number];
export type SshProbeSettings = NonNullable<ProxySshSettings['probe']>;
