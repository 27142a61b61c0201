import type { PinoLogger } from 'nestjs-pino';
import type { AppConfig } from '../config/load-config';
import { DomainError, ErrorCode } from '../common/domain-error';
import type { DirectoryUser } from '../directory/directory-user';
import type { LdapDirectory } from '../directory/ldap-directory';
import type { UsersRepository } from '../users/users.repository';
import type { LoginRateLimiter } from './login-rate-limiter';
import { LoginService } from './login.service';
import type { TokensService } from './tokens.service';

const ALICE: DirectoryUser = { dn: 'uid=alice,ou=people,dc=x', username: 'alice', uid: 20001, gid: 20001, home: '/home/alice', shell: null, groups: [] };
const SECRET = 'the-password-never-logged';

/** LoginService with recording fakes: the order of steps is the point of these tests. */
function setup(opts: { userLimitAfter?: number; directoryDown?: boolean } = {}) {
  const steps: string[] = [];
  const logged: string[] = [];
  let userCount = 0;
  const limiter = {
    reserveAddress: async (a: string) => void steps.push(`reserveAddress ${a}`),
    reserveUser: async (key: string) => {
      steps.push(`reserveUser ${key}`);
      if (++userCount > (opts.userLimitAfter ?? Infinity)) throw new DomainError(ErrorCode.LIMIT_EXCEEDED, 'too many', { limit: 'maxFailuresPerUser' });
    },
    releaseAddress: async (a: string) => void steps.push(`releaseAddress ${a}`),
    recordSuccess: async (key: string, a: string) => void steps.push(`recordSuccess ${key} ${a}`),
  } as unknown as LoginRateLimiter;
  const directory = {
    findEntry: async (name: string) => {
      steps.push(`lookup ${name}`);
      if (opts.directoryDown) throw new DomainError(ErrorCode.UNAVAILABLE, 'the directory is unavailable');
      return name.toLowerCase() === 'alice' ? ALICE : null;
    },
    passwordMatches: async (u: DirectoryUser, p: string) => (steps.push(`bind ${u.dn}`), p === 'alice-secret'),
    assertIdentity: () => undefined,
  } as unknown as LdapDirectory;
  const users = { saveFromDirectory: async () => ({ id: 1, username: 'alice' }) } as unknown as UsersRepository;
  const tokens = { create: async () => ({ token: 'hpcg_x', apiToken: { id: 7, expiresAt: null } }) } as unknown as TokensService;
  const record = (o: object, msg: string) => void logged.push(`${msg} ${JSON.stringify(o)}`);
  const log = { info: record, warn: record, error: record } as unknown as PinoLogger;
  const config = { site: { directory: { adminGroup: undefined, tokenLifetimeDays: 30 } } } as unknown as AppConfig;
  return { service: new LoginService(config, directory, limiter, users, tokens, log), steps, logged };
}

describe('LoginService', () => {
  it('reserves on the address, finds the entry, reserves under its uid, then binds; a success clears the user', async () => {
    const { service, steps } = setup();
    expect(await service.login('ALICE', 'alice-secret', '198.51.100.1')).toMatchObject({ token: 'hpcg_x', username: 'alice' });
    expect(steps).toEqual(['reserveAddress 198.51.100.1', 'lookup ALICE', 'reserveUser alice', 'bind uid=alice,ou=people,dc=x', 'recordSuccess alice 198.51.100.1']);
  });

  it('a user over the limit is refused before the bind', async () => {
    const { service, steps } = setup({ userLimitAfter: 0 });
    await expect(service.login('alice', 'alice-secret', '198.51.100.1')).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    expect(steps.some((s) => s.startsWith('bind'))).toBe(false);
  });

  it('an unknown name is counted under its normalized spelling, binds nothing, and gets the one answer', async () => {
    const { service, steps } = setup();
    await expect(service.login('Ｍallory', 'x', '198.51.100.1')).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'invalid user name or password' });
    expect(steps).toEqual(['reserveAddress 198.51.100.1', 'lookup Ｍallory', 'reserveUser mallory']);
  });

  it('a malformed name is refused as input before the directory is asked, and counts against the address', async () => {
    const { service, steps } = setup();
    await expect(service.login('alice\u0000', 'alice-secret', '198.51.100.1')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'username' } });
    expect(steps).toEqual(['reserveAddress 198.51.100.1']);
  });

  it('an empty or oversized password asks the directory nothing', async () => {
    const { service, steps } = setup();
    await expect(service.login('alice', '', '198.51.100.1')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(service.login('alice', 'x'.repeat(4097), '198.51.100.1')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(steps.filter((s) => s.startsWith('lookup') || s.startsWith('bind'))).toEqual([]);
  });

  it('an unavailable directory gives the address its reservation back', async () => {
    const { service, steps } = setup({ directoryDown: true });
    await expect(service.login('alice', 'alice-secret', '198.51.100.1')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(steps).toEqual(['reserveAddress 198.51.100.1', 'lookup alice', 'releaseAddress 198.51.100.1']);
  });

  it('never logs a password', async () => {
    const { service, logged } = setup({ userLimitAfter: 2 });
    for (const name of ['alice', 'alice', 'mallory', 'alice', ' alice']) await service.login(name, SECRET, '198.51.100.1').catch(() => undefined);
    await service.login('alice', 'alice-secret', '198.51.100.2').catch(() => undefined);
    expect(logged.length).toBeGreaterThanOrEqual(5);
    expect(logged.join('\n')).not.toMatch(/the-password-never-logged|alice-secret/);
  });
});
