import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config';

function load(directory: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'hpcg-directory-')), 'hpcg.yaml');
  writeFileSync(file, `directory:\n${directory}`);
  return loadConfig({ HPCG_CONFIG: file, LDAP_PW: 'from-env' });
}

const MINIMAL = '  url: ldaps://ldap.example.org\n  userBase: ou=people,dc=example,dc=org\n  groupBase: ou=groups,dc=example,dc=org\n';

describe('directory configuration', () => {
  it('fills OpenLDAP defaults around the required keys', () => {
    expect(load(MINIMAL).site.directory).toMatchObject({
      userFilter: '(uid={username})',
      userListFilter: '(objectClass=posixAccount)',
      groupFilter: '(|(objectClass=posixGroup)(objectClass=groupOfNames))',
      startTls: false,
      tls: { rejectUnauthorized: true },
      attributes: { username: 'uid', uidNumber: 'uidNumber', home: 'homeDirectory', memberUid: 'memberUid', member: 'member' },
      syncIntervalSeconds: 300,
      tokenLifetimeDays: 30,
      loginRateLimit: { maxFailuresPerUser: 5, maxFailuresPerAddress: 50, windowSeconds: 300 },
    });
    expect(load(`${MINIMAL}  bindDn: cn=gw,dc=example,dc=org\n  bindPassword: \${LDAP_PW}\n`).site.directory?.bindPassword).toBe('from-env');
  });

  it.each([
    ['an unknown key', `${MINIMAL}  userFiltr: "(uid={username})"\n`, /directory: Unrecognized key: "userFiltr"/],
    ['a URL that is not LDAP', MINIMAL.replace('ldaps://ldap.example.org', 'http://ldap.example.org'), /directory\.url: ldap:\/\/host\[:port\]/],
    ['a filter without parentheses', `${MINIMAL}  userFilter: "uid={username}"\n`, /directory\.userFilter: an LDAP filter in parentheses/],
    ['a bind DN without password', `${MINIMAL}  bindDn: cn=gw,dc=example,dc=org\n`, /directory\.bindPassword: bindDn needs bindPassword or bindPasswordFile/],
    ['StartTLS on ldaps://', `${MINIMAL}  startTls: true\n`, /directory\.startTls: startTls is for ldap:\/\/ URLs/],
    ['a missing user base', '  url: ldap://x\n  groupBase: ou=g,dc=x\n', /directory\.userBase/],
  ])('refuses %s and names the key', (_what, yaml, message) => {
    expect(() => load(yaml)).toThrow(message);
  });
});
