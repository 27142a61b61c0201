import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The route API's bearer check. Both sides are hashed first, so the comparison is constant-time
 * over equal-length digests and leaks neither the token's content nor its length.
 */
export class TokenCheck {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /** `Authorization: token <t>` (CHP's and JupyterHub's form) or `Authorization: Bearer <t>`. */
  matches(authorization: string | undefined): boolean {
    const m = /^\s*(?:token|bearer)\s+(\S+)\s*$/i.exec(authorization ?? '');
    const ok = timingSafeEqual(digest(m ? m[1] : ''), this.expected);
    return ok && m !== null;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
