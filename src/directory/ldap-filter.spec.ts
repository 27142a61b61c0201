import { andFilters, fillFilter, notFilter } from './ldap-filter';

describe('LDAP filter templates', () => {
  it.each([
    ['alice', '(uid=alice)'],
    ['*', '(uid=\\2a)'],
    [')(uid=*', '(uid=\\29\\28uid=\\2a)'],
    ['alice)(|(uid=*', '(uid=alice\\29\\28|\\28uid=\\2a)'],
    ['al\0ice', '(uid=al\\00ice)'],
    ['back\\slash', '(uid=back\\5cslash)'],
  ])('escapes %j so it can only be compared', (value, expected) => {
    expect(fillFilter('(uid={username})', { username: value })).toBe(expected);
  });

  it('fills every placeholder and refuses an unknown one', () => {
    expect(fillFilter('(|(memberUid={username})(member={dn}))', { username: 'bob', dn: 'uid=bob,ou=people,dc=x' })).toBe('(|(memberUid=bob)(member=uid=bob,ou=people,dc=x))');
    expect(() => fillFilter('(uid={user})', { username: 'bob' })).toThrow('unknown placeholder {user}');
  });

  it('combines filters, leaving out absent parts', () => {
    expect(andFilters('(uid=a)', notFilter('(locked=*)'))).toBe('(&(uid=a)(!(locked=*)))');
    expect(andFilters('(uid=a)', notFilter(undefined))).toBe('(uid=a)');
  });
});
