/** The token of an `Authorization: Bearer <token>` value (HTTP header or graphql-ws connection param), or null. */
export function bearerToken(authorization: unknown): string | null {
  if (typeof authorization !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m ? m[1] : null;
}
