import { Inject, Injectable } from '@nestjs/common';
import { logFailure } from '../common/log-failure';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { DomainError, ErrorCode } from '../common/domain-error';
import { identityOf } from '../directory/directory-identity';
import { LdapDirectory } from '../directory/ldap-directory';
import { UsersRepository } from '../users/users.repository';
import { checkLoginName, nameKey } from './login-name';
import { LoginRateLimiter } from './login-rate-limiter';
import { TokensService } from './tokens.service';

const MAX_PASSWORD = 4096;

/**
 * Directory login: the user name and password are checked by the directory, the user row is
 * provisioned (or refreshed) from it, and an API token is issued for later requests.
 *
 * Order matters, because every step before the bind is what keeps guessing slow:
 * 1. a name that is no one's name (whitespace at an end, control characters) is refused as input,
 *    and counts against the address;
 * 2. the attempt is reserved on the address (atomically: the count is the answer), before the
 *    directory is asked anything;
 * 3. the directory finds the entry; the attempt is reserved on the user under the entry's own `uid`
 *    (so every spelling that finds it shares one count), or under the name as given when none is found;
 * 4. only then the bind. A success clears the user's count and gives back the address reservation.
 */
@Injectable()
export class LoginService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly directory: LdapDirectory,
    private readonly limiter: LoginRateLimiter,
    private readonly users: UsersRepository,
    private readonly tokens: TokensService,
    @InjectPinoLogger(LoginService.name) private readonly log: PinoLogger,
  ) {}

  async login(username: string, password: string, address: string): Promise<{ token: string; username: string; expiresAt: Date | null }> {
    const d = this.config.site.directory;
    if (!d) throw new DomainError(ErrorCode.BAD_USER_INPUT, 'this gateway has no directory configured: ask an administrator for an API token (hpcg login --token)');
    try {
      checkLoginName(username);
    } catch (e) {
      // A malformed name is still an attempt: it counts against the address (and may be the one over its limit).
      await this.limiter.reserveAddress(address);
      this.log.info({ username: username.slice(0, 64), address, reason: 'malformed user name' }, 'login refused');
      throw e;
    }
    await this.refusedOverLimit(username, address, () => this.limiter.reserveAddress(address));

    // No password is this long; an empty one would be an anonymous bind. Neither is worth a directory search.
    const person = password !== '' && password.length <= MAX_PASSWORD ? await this.lookup(username, address) : null;
    // Key by the directory's own name for the entry: "Alice" and "alice" find one entry and share one count.
    const key = nameKey(person?.username ?? username);
    // The message names the user as typed: naming the entry found would tell which names exist.
    await this.refusedOverLimit(username, address, () => this.limiter.reserveUser(key, username));

    if (!person || !(await this.directory.passwordMatches(person, password))) {
      this.log.info({ username: username.slice(0, 64), key: key.slice(0, 64), address }, 'login refused');
      // One answer for unknown user, wrong password, disabled user: nothing to learn from it.
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'invalid user name or password');
    }
    await this.limiter.recordSuccess(key, address);
    // Only after the password proved who is asking: the entry's own uidNumber is theirs to learn.
    this.directory.assertIdentity(person);
    const user = await this.users.saveFromDirectory(identityOf(person, d.adminGroup), new Date());
    const { token, apiToken } = await this.tokens.create(user.id, `login ${new Date().toISOString().slice(0, 16)} from ${address}`.slice(0, 100), [], d.tokenLifetimeDays);
    this.log.info({ username: user.username, userId: user.id, tokenId: apiToken.id, address }, 'logged in');
    return { token, username: user.username, expiresAt: apiToken.expiresAt };
  }

  /**
   * The directory's entry for the name. When the directory cannot be asked, nothing was tried: the
   * address gets its reservation back, so an outage does not lock people out of the next minutes.
   */
  private async lookup(username: string, address: string) {
    try {
      return await this.directory.findEntry(username);
    } catch (e) {
      // The directory's error is what the caller must see; a reservation not given back only expires with its window.
      await this.limiter.releaseAddress(address).catch(logFailure(this.log, 'could not give back a login reservation', { address }));
      throw e;
    }
  }

  /** Runs a reservation; a refusal over a limit is logged (who, from where, which limit) and passed on. */
  private async refusedOverLimit(username: string, address: string, reserve: () => Promise<void>): Promise<void> {
    try {
      await reserve();
    } catch (e) {
      if (e instanceof DomainError && e.code === ErrorCode.LIMIT_EXCEEDED) this.log.warn({ username: username.slice(0, 64), address, limit: e.details.limit }, 'login refused: rate limit');
      throw e;
    }
  }
}
