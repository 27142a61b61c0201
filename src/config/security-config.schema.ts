import { parseCidr } from '../common/net/cidr';
import { z } from 'zod';

/** An address or CIDR block (`10.0.0.0/8`, `::1`, `fd00::/8`), parsed as hpcg-proxy parses its own. */
const addressOrCidr = z.string().superRefine((v, ctx) => {
  const block = parseCidr(v);
  if (typeof block === 'string') ctx.addIssue({ code: 'custom', message: block });
});

/**
 * `security` in the site file: the Unix identity policy and whom to trust for client addresses.
 * Defaults are safe for a site that sets nothing.
 */
export const securitySchema = z
  .object({
    /** No job runs as a uid (gid) below this; users and directory entries below it are refused. */
    minUid: z.number().int().min(1).max(2_147_483_647).default(1000),
    minGid: z.number().int().min(1).max(2_147_483_647).default(1000),
    /** Peers whose X-Forwarded-For / X-Forwarded-Host / X-Forwarded-Proto are believed (the site's proxies). */
    trustedProxies: z.array(addressOrCidr).default([]),
  })
  .strict()
  .default({ minUid: 1000, minGid: 1000, trustedProxies: [] });

export type SecurityConfig = z.output<typeof securitySchema>;
