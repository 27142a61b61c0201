import type { PinoLogger } from 'nestjs-pino';
import { Attribute, Change } from 'ldapts';
import type { AppConfig } from '../config/load-config';
import { siteConfigSchema } from '../config/site-config.schema';
import { LdapDirectory } from './ldap-directory';
import { REFUSED_LOGINS } from '../../test/directory/hostile-logins';
import { BASE_DN, Slapd } from '../../test/directory/slapd';
import { parse as parseYaml } from 'yaml';

jest.setTimeout(30_000);

const warnings: string[] = [];
const log = { warn: (o: object, msg: string) => warnings.push(`${msg} ${JSON.stringify(o)}`), error: () => undefined } as unknown as PinoLogger;

function directory(slapd: Slapd, extra: Record<string, unknown> = {}): LdapDirectory {
  const site = siteConfigSchema.parse(parseYaml(slapd.directoryYaml(extra)));
  return new LdapDirectory({ site } as AppConfig, log);
}

describe('LdapDirectory against a real slapd', () => {
  let slapd: Slapd;
  beforeAll(async () => {
    slapd = await Slapd.start();
  });
  afterAll(() => slapd?.stop());

  it('logs in with the right password and reads uid, gid, home, shell and every kind of group', async () => {
    const alice = await directory(slapd).authenticate('alice', 'alice-secret');
    expect(alice).toEqual({
      dn: `uid=alice,ou=people,${BASE_DN}`,
      username: 'alice',
      uid: 20001,
      gid: 20001,
      home: '/home/alice',
      shell: '/bin/bash',
      groups: [
        { name: 'alice', gid: 20001 },
        { name: 'gpu-users', gid: 30001 },
        { name: 'hpcusers', gid: 30000 },
      ],
    });
    // groupOfNames membership by DN, and a group without a gidNumber.
    expect((await directory(slapd).authenticate('carol', 'carol-secret'))?.groups).toEqual([
      { name: 'carol', gid: 20003 },
      { name: 'hpc-admins', gid: null },
      { name: 'hpcusers', gid: 30000 },
    ]);
  });

  it.each(REFUSED_LOGINS)('refuses %s', async (_what, username, password) => {
    expect(await directory(slapd).authenticate(username, password)).toBeNull();
  });

  it('requiredGroup keeps out users outside it', async () => {
    expect(await directory(slapd).authenticate('erin', 'erin-secret')).toMatchObject({ username: 'erin' });
    expect(await directory(slapd, { requiredGroup: 'hpcusers' }).authenticate('erin', 'erin-secret')).toBeNull();
  });

  it('lists every active user with groups for the sync, without disabled ones', async () => {
    const users = await directory(slapd, { requiredGroup: 'hpcusers' }).listUsers();
    expect(users.map((u) => u.username).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(users.find((u) => u.username === 'bob')?.groups.map((g) => g.name)).toEqual(['bob', 'hpcusers']);
  });

  it('a directory change shows at the next read: group removal and deletion', async () => {
    await slapd.modify(`cn=gpu-users,ou=groups,${BASE_DN}`, new Change({ operation: 'delete', modification: new Attribute({ type: 'memberUid', values: ['alice'] }) }));
    expect((await directory(slapd).authenticate('alice', 'alice-secret'))?.groups.map((g) => g.name)).toEqual(['alice', 'hpcusers']);
    await slapd.deleteEntry(`uid=erin,ou=people,${BASE_DN}`);
    expect((await directory(slapd).listUsers()).map((u) => u.username)).not.toContain('erin');
  });

  it('a wrong service password or an unreachable server is UNAVAILABLE, not a failed login', async () => {
    await expect(directory(slapd, { bindPassword: 'wrong' }).authenticate('alice', 'alice-secret')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(directory(slapd, { url: 'ldap://127.0.0.1:1' }).authenticate('alice', 'alice-secret')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
