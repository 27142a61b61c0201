import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { badInput, forbidden, notFound } from '../common/domain-error';
import { identityOf } from '../directory/directory-identity';
import { LdapDirectory } from '../directory/ldap-directory';
import { UserAccessEvents } from '../users/user-access-events';
import { UserRow, UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { mayManageUser } from './authorization/ownership';
import { ACTING_SCOPES, KNOWN_SCOPES, Scope, fullScopesOf } from './authorization/scopes';
import { unixIdentityProblem } from '../users/unix-identity';
import { Principal, effectiveScopes, principalOf } from './principal';
import { hashToken, newToken, secretsEqual } from './token-hash';
import { ApiTokenRow, TokensRepository } from './tokens.repository';

/** Header a service token names the user it acts for in. */
export const ACT_AS_HEADER = 'x-hpcg-act-as';

/**
 * Verified tokens are remembered this long, so a burst of requests costs one database read.
 * A revocation clears it in every process (UserAccessEvents), so the cache never outlives one.
 */
const CACHE_MS = 2000;
const TOUCH_EVERY_MS = 60_000;

@Injectable()
export class TokensService {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();
  private readonly touched = new Map<number, number>();
  private bootstrapAdmin: Promise<Principal> | null = null;

  constructor(
    private readonly tokens: TokensRepository,
    private readonly users: UsersService,
    private readonly usersRepo: UsersRepository,
    private readonly directory: LdapDirectory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: UserAccessEvents,
    @InjectPinoLogger(TokensService.name) private readonly log: PinoLogger,
  ) {
    access.onRevoked(() => this.cache.clear());
  }

  /** The principal of a bearer token, acting for `actAs` when given; null when the token is not valid. */
  async authenticate(token: string, actAs: string | undefined): Promise<Principal | null> {
    const principal = await this.verify(token);
    if (!principal || actAs === undefined) return principal;
    return this.actAs(principal, actAs);
  }

  /** Resolves a bearer token to its principal, or null when it is unknown, revoked, expired or its user disabled. */
  async verify(token: string): Promise<Principal | null> {
    if (this.config.adminToken && secretsEqual(token, this.config.adminToken)) return this.adminPrincipal();
    const hash = hashToken(token);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.principal;
    const row = await this.tokens.findByHash(hash);
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now) || row.user.disabled) {
      this.cache.delete(hash);
      return null;
    }
    const principal = principalOf(row.user, effectiveScopes(row.user, row.scopes), row.id);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, until: now + CACHE_MS });
    if ((this.touched.get(row.id) ?? 0) + TOUCH_EVERY_MS < now) {
      this.touched.set(row.id, now);
      this.tokens.touch(row.id, new Date(now)).catch((err: unknown) => this.log.warn({ err, tokenId: row.id }, 'could not record token use'));
    }
    return principal;
  }

  private adminPrincipal(): Promise<Principal> {
    this.bootstrapAdmin ??= this.users.ensureBootstrapAdmin().then((u) => principalOf(u, fullScopesOf(u), null));
    return this.bootstrapAdmin;
  }

  /**
   * A token for `username`: users for themselves, administrators for anyone. It carries only scopes
   * the caller holds (or, for an administrator, may grant) and its user may hold: `admin` only for an
   * administrator's token, `users:act-as` only from an administrator to a service account.
   */
  async issue(caller: Principal, username: string, name: string, scopes: string[], expiresInDays: number | null): Promise<{ token: string; apiToken: ApiTokenRow }> {
    // Permission before lookup: an ordinary user learns nothing about which other users exist.
    if (!caller.admin && username !== caller.username) throw forbidden('you can issue tokens only for yourself', { field: 'username' });
    const unknown = scopes.filter((s) => !KNOWN_SCOPES.includes(s));
    if (unknown.length) throw badInput(`unknown scope(s) ${unknown.join(', ')}; allowed: ${KNOWN_SCOPES.join(', ')}`, { field: 'scopes', allowed: KNOWN_SCOPES });
    if (!name.trim() || name.length > 100) throw badInput('token name must be 1-100 characters', { field: 'name' });
    if (expiresInDays !== null && (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 3650)) {
      throw badInput('expiresInDays must be a whole number from 1 to 3650', { field: 'expiresInDays' });
    }
    const user = await this.users.getByUsername(username);
    // A scoped caller cannot mint an unscoped token: that would be every right its user holds.
    if (scopes.length === 0 && fullScopesOf(user).some((s) => !caller.scopes.includes(s))) {
      throw forbidden(`a token with scopes ${caller.scopes.join(', ')} can only issue tokens with a subset of them; name the scopes`, { field: 'scopes' });
    }
    for (const scope of scopes) this.checkGrant(caller, user, scope);
    const issued = await this.create(user.id, name.trim(), scopes, expiresInDays);
    this.log.info({ by: caller.username, username: user.username, tokenId: issued.apiToken.id, scopes }, 'token issued');
    return issued;
  }

  private checkGrant(caller: Principal, user: UserRow, scope: string): void {
    if (scope === Scope.ActAs) {
      if (!caller.admin) throw forbidden(`only an administrator grants "${Scope.ActAs}"`, { field: 'scopes' });
      if (!user.serviceAccount) {
        throw forbidden(`"${Scope.ActAs}" is only for service accounts; ${user.username} is not one (an administrator marks it: setServiceAccount)`, { field: 'scopes' });
      }
      return;
    }
    if (scope === Scope.Admin && !user.admin) throw forbidden(`"${Scope.Admin}" is only for administrators' tokens; ${user.username} is not an administrator`, { field: 'scopes' });
    if (!caller.scopes.includes(scope)) throw forbidden(`you cannot grant "${scope}": your token does not carry it`, { field: 'scopes' });
  }

  /** A new token for a user the caller has already vouched for (checks done, or a fresh login). */
  async create(userId: number, name: string, scopes: string[], expiresInDays: number | null): Promise<{ token: string; apiToken: ApiTokenRow }> {
    const token = newToken();
    const apiToken = await this.tokens.create({
      userId,
      name,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 12),
      scopes,
      expiresAt: expiresInDays === null ? null : new Date(Date.now() + expiresInDays * 86_400_000),
    });
    return { token, apiToken };
  }

  /**
   * A service token (JupyterHub's) acting for a named user: only a token carrying `users:act-as`
   * (which only an administrator grants, only to service accounts), never for a disabled user, an
   * administrator or a user without a Unix identity, and with job scopes only. Logged with both names.
   */
  async actAs(service: Principal, username: string): Promise<Principal> {
    const refuse = (why: string, message = `this token may not act for user "${username}"`) => {
      this.log.warn({ service: service.username, actAs: username, why }, 'act-as refused');
      return forbidden(message, { header: ACT_AS_HEADER });
    };
    if (!service.scopes.includes(Scope.ActAs)) throw refuse('no act-as scope', `acting for another user needs a token with the "${Scope.ActAs}" scope`);
    const user = (await this.users.findByUsername(username)) ?? (await this.provision(username));
    // Unknown and disabled users get one answer: a service learns nothing from it.
    if (!user || user.disabled) throw refuse(user ? 'user disabled' : 'no such user');
    if (user.admin) throw refuse('user is an administrator', `a service may not act for administrator "${username}"`);
    if (user.serviceAccount) throw refuse('user is a service account', `a service may not act for service account "${username}"`);
    const identity = unixIdentityProblem(user, this.config.site.security);
    if (identity) throw refuse(identity, `a service may not act for "${username}": ${identity}`);
    this.log.info({ service: service.username, actAs: user.username, tokenId: service.tokenId }, 'acting for user');
    return principalOf(user, service.scopes.filter((s) => ACTING_SCOPES.includes(s)), service.tokenId, service.username);
  }

  /**
   * A user JupyterHub names before they ever used the gateway: with a directory, provisioned from it
   * as a login would (without a password: the service vouches for them); without one, an administrator
   * must create them first, and the error says so.
   */
  private async provision(username: string): Promise<UserRow | null> {
    const d = this.config.site.directory;
    if (!d) {
      throw forbidden(`user "${username}" does not exist in this gateway, which has no directory: an administrator must create the user (createUser) before a service can act for them`, {
        header: ACT_AS_HEADER,
      });
    }
    const person = await this.directory.lookup(username);
    return person && this.usersRepo.saveFromDirectory(identityOf(person, d.adminGroup), new Date());
  }

  /** Revokes a token of the caller's (administrators: anyone's); at once in every process and live subscription. */
  async revoke(caller: Principal, id: number): Promise<ApiTokenRow> {
    const row = await this.tokens.findById(id);
    // Someone else's token and no token at all get the same answer.
    if (!row || !mayManageUser(caller, row.userId)) throw notFound(`you have no token with id ${id}`, { field: 'id' });
    const revoked = row.revokedAt ? row : await this.tokens.revoke(id, new Date());
    this.cache.clear();
    await this.access.publishRevoked([row.userId]);
    this.log.info({ by: caller.username, tokenId: id, userId: row.userId }, 'token revoked');
    return revoked;
  }

  async list(caller: Principal, username: string | null): Promise<ApiTokenRow[]> {
    if (username === null || username === caller.username) return this.tokens.listForUser(caller.userId);
    if (!caller.admin) throw forbidden("only administrators can list other users' tokens", { field: 'username' });
    const user = await this.users.getByUsername(username);
    return this.tokens.listForUser(user.id);
  }
}
