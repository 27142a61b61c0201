import { bearerToken } from '../auth/bearer-token';
import type { TokensService } from '../auth/tokens.service';

/** Whether the value carries a token TokensService accepts (the same check the bearer strategy makes). */
export async function carriesValidToken(tokens: TokensService, authorization: unknown): Promise<boolean> {
  const token = bearerToken(authorization);
  return token !== null && (await tokens.verify(token)) !== null;
}
