/**
 * uids for user names the way Slurm's commands print them (`UserId=name(uid)`, `CANCELLED by <uid>`):
 * the caller's own, and everyone's when the caller is an administrator (who may list users).
 */
import { listUsers, whoAmI } from '../gateway-api';
import type { GatewayClient } from '../gateway-client';

export async function knownUids(client: GatewayClient, users: ReadonlySet<string>): Promise<Map<string, number>> {
  const me = await whoAmI(client);
  const uids = new Map<string, number>();
  if (me.uid !== null) uids.set(me.username, me.uid);
  if (me.admin && [...users].some((u) => u !== me.username)) {
    for (const u of await listUsers(client)) if (u.uid !== null) uids.set(u.username, u.uid);
  }
  return uids;
}
