import { randomBytes } from 'node:crypto';

/**
 * Request ids: a per-process random prefix and a counter, cheap enough to give every request one.
 * A client's own X-Request-Id is kept when it is short and printable, so ids line up across hops.
 */
const PREFIX = randomBytes(4).toString('hex');
let counter = 0;

export function newRequestId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${PREFIX}-${counter.toString(36)}`;
}

export function acceptableRequestId(value: string | undefined): value is string {
  return value !== undefined && value.length > 0 && value.length <= 128 && /^[\x21-\x7e]+$/.test(value);
}
