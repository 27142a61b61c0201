import { TokenCheck } from './token-check';

describe('TokenCheck', () => {
  const check = new TokenCheck('s3cret-token-0123456789');

  it.each(['token s3cret-token-0123456789', 'Token s3cret-token-0123456789', 'Bearer s3cret-token-0123456789', '  token   s3cret-token-0123456789  '])('accepts %j', (header) => {
    expect(check.matches(header)).toBe(true);
  });

  it.each([undefined, '', 'token', 's3cret-token-0123456789', 'token s3cret-token-012345678', 'token s3cret-token-01234567890', 'Basic czNjcmV0', 'token a b'])('refuses %j', (header) => {
    expect(check.matches(header)).toBe(false);
  });
});
