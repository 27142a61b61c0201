import type { TokensService } from '../auth/tokens.service';

/** The token of an `Authorization: Bearer <token>` value (header or graphql-ws connection param). */
export function bearerToken(authorization: unknown): string | null {
  if (typeof authorization !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m ? m[1] : null;
}

/** Whether the value carries a token TokensService accepts (the same check the bearer strategy makes). */
export async function carriesValidToken(tokens: TokensService, authorization: unknown): Promise<boolean> {
  const token = bearerToken(authorization);
  return token !== null && (await tokens.verify(token)) !== null;
}
