import { DomainError } from '../common/domain-error';
import { checkLoginName, nameKey } from './login-name';

function refusal(name: string): DomainError {
  try {
    checkLoginName(name);
  } catch (e) {
    return e as DomainError;
  }
  throw new Error(`accepted ${JSON.stringify(name)}`);
}

describe('checkLoginName', () => {
  it.each(['alice', 'Alice', 'a', 'alice.smith', 'alice smith', 'alice@example.org', 'ålice', 'ａｌｉｃｅ', 'x'.repeat(256)])('accepts %j', (name) => {
    expect(() => checkLoginName(name)).not.toThrow();
  });

  it.each([
    [' alice', 'it starts with whitespace (U+0020)'],
    ['alice ', 'it ends with whitespace (U+0020)'],
    ['ALICE ', 'it ends with whitespace (U+0020)'],
    ['alice\t', 'it ends with whitespace (U+0009)'],
    ['\u00a0alice', 'it starts with whitespace (U+00A0)'],
    ['alice\u3000', 'it ends with whitespace (U+3000)'],
    ['alice\u0000', 'it contains U+0000 at position 6'],
    ['al\u0000ice', 'it contains U+0000 at position 3'],
    ['alice\u007f', 'it contains U+007F at position 6'],
    ['alice\u0085x', 'it contains U+0085 at position 6'],
    ['ali\u009bce', 'it contains U+009B at position 4'],
    ['al\nice', 'it contains U+000A at position 3'],
    ['al\u200bice', 'it contains U+200B at position 3'],
    ['\ufeffalice', 'it starts with whitespace (U+FEFF)'],
    ['al\u00adice', 'it contains U+00AD at position 3'],
    ['alice\u202e', 'it contains U+202E at position 6'],
    ['al\u2028ice', 'it contains U+2028 at position 3'],
    ['al\ud800ice', 'it contains U+D800 at position 3'],
    ['😀\u0001', 'it contains U+0001 at position 2'],
    ['', 'it is empty'],
    ['x'.repeat(257), 'it has 257 characters'],
  ])('refuses %j: %s', (name, problem) => {
    const e = refusal(name);
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.message).toBe(
      `username is not a valid user name: ${problem}; a user name is 1 to 256 characters, without leading or trailing whitespace, control characters (U+0000–U+001F, U+007F–U+009F) or invisible format characters`,
    );
    expect(e.details).toMatchObject({ field: 'username' });
  });

  it('refuses every C0 and C1 control character and DEL anywhere in a name', () => {
    for (let c = 0; c <= 0x9f; c++) {
      if (c > 0x1f && c < 0x7f) continue;
      const ch = String.fromCharCode(c);
      for (const name of [`${ch}alice`, `al${ch}ice`, `alice${ch}`]) expect(refusal(name).code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('nameKey', () => {
  it('folds case and compatibility forms as LDAP caseIgnoreMatch does', () => {
    expect(nameKey('Alice')).toBe('alice');
    expect(nameKey('ALICE')).toBe('alice');
    expect(nameKey('ａｌｉｃｅ')).toBe('alice');
    expect(nameKey('ﬁona')).toBe('fiona');
    expect(nameKey('A\u030alice')).toBe('ålice');
  });

  it('keeps different names apart', () => {
    expect(nameKey('alice')).not.toBe(nameKey('alice2'));
    expect(nameKey('ålice')).not.toBe(nameKey('alice'));
  });
});
