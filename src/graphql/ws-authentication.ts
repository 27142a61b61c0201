import type { Context } from 'graphql-ws';
import { DomainError } from '../common/domain-error';
import { CLOSE_FORBIDDEN, type Closable, LiveSessions } from '../auth/live-sessions';
import type { Principal } from '../auth/principal';
import { ACT_AS_HEADER, TokensService } from '../auth/tokens.service';
import { bearerToken } from '../auth/bearer-token';

type Extra = { socket: Closable; principal?: Principal };

function param(params: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const n of names) if (typeof params[n] === 'string') return params[n] as string;
  return undefined;
}

/**
 * graphql-ws authenticates once, when the socket opens: the token (and the user a service acts for)
 * come in the connection params, as the HTTP headers would. The connection is then watched by
 * LiveSessions, which closes it when the token or user loses access; each operation on it is still
 * checked by the AccessGuard against its declared rule.
 */
export function wsAuthentication(tokens: TokensService, sessions: LiveSessions) {
  return {
    async onConnect(ctx: Context<Record<string, unknown> | undefined, unknown>): Promise<boolean> {
      const extra = ctx.extra as Extra;
      const params = ctx.connectionParams ?? {};
      const bearer = bearerToken(param(params, 'authorization', 'Authorization'));
      const close = (reason: string) => {
        extra.socket.close(CLOSE_FORBIDDEN, `Forbidden: ${reason}`.slice(0, 120));
        return false;
      };
      if (!bearer) return close('send connection params {"authorization": "Bearer <token>"}');
      let principal: Principal | null;
      try {
        principal = await tokens.authenticate(bearer, param(params, ACT_AS_HEADER, 'X-Hpcg-Act-As'));
      } catch (e) {
        if (e instanceof DomainError) return close(e.message);
        throw e;
      }
      if (!principal) return close('missing, unknown, expired or revoked token');
      extra.principal = principal;
      sessions.add(extra.socket, principal);
      return true;
    },
    onClose(ctx: Context<Record<string, unknown> | undefined, unknown>): void {
      sessions.remove((ctx.extra as Extra).socket);
    },
  };
}

/** The request context of an operation on an authenticated socket: the principal onConnect resolved. */
export function wsRequest(extra: Extra): { headers: Record<string, string>; user: Principal | undefined } {
  return { headers: {}, user: extra.principal };
}
