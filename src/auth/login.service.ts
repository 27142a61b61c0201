import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { DomainError, ErrorCode } from '../common/domain-error';
import { identityOf } from '../directory/directory-identity';
import { LdapDirectory } from '../directory/ldap-directory';
import { UsersRepository } from '../users/users.repository';
import { LoginRateLimiter } from './login-rate-limiter';
import { TokensService } from './tokens.service';

const MAX_USERNAME = 256;
const MAX_PASSWORD = 4096;

/**
 * Directory login: the user name and password are checked by the directory, the user row is
 * provisioned (or refreshed) from it, and an API token is issued for later requests.
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
    await this.limiter.check(username, address);
    // No directory name or password is this long; refusing it spares the directory a pointless search.
    const plausible = username.length <= MAX_USERNAME && password.length <= MAX_PASSWORD;
    const person = plausible ? await this.directory.authenticate(username, password) : null;
    if (!person) {
      await this.limiter.recordFailure(username, address);
      this.log.info({ username: username.slice(0, 64), address }, 'login refused');
      // One answer for unknown user, wrong password, disabled user: nothing to learn from it.
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'invalid user name or password');
    }
    await this.limiter.recordSuccess(username);
    const user = await this.users.saveFromDirectory(identityOf(person, d.adminGroup), new Date());
    const { token, apiToken } = await this.tokens.create(user.id, `login ${new Date().toISOString().slice(0, 16)} from ${address}`.slice(0, 100), [], d.tokenLifetimeDays);
    this.log.info({ username: user.username, userId: user.id, tokenId: apiToken.id, address }, 'logged in');
    return { token, username: user.username, expiresAt: apiToken.expiresAt };
  }
}
