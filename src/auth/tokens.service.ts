import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { DomainError, ErrorCode, badInput, forbidden } from '../common/domain-error';
import { identityOf } from '../directory/directory-identity';
import { LdapDirectory } from '../directory/ldap-directory';
import { UserAccessEvents } from '../users/user-access-events';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { Principal, Scope, principalOf } from './principal';
import { hashToken, newToken, secretsEqual } from './token-hash';
import { ApiTokenRow, TokensRepository } from './tokens.repository';

export const KNOWN_SCOPES: readonly string[] = Object.values(Scope);
/** Header a service token names the user it acts for in. */
export const ACT_AS_HEADER = 'x-hpcg-act-as';

/**
 * Verified tokens are remembered this long, so a burst of requests costs one database read.
 * A revocation clears it here, and a user losing access clears it in every process (UserAccessEvents).
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
    access: UserAccessEvents,
  ) {
    access.onRevoked(() => this.cache.clear());
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
    const principal = principalOf(row.user, row.scopes, row.id);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, until: now + CACHE_MS });
    if ((this.touched.get(row.id) ?? 0) + TOUCH_EVERY_MS < now) {
      this.touched.set(row.id, now);
      void this.tokens.touch(row.id, new Date(now)).catch(() => undefined);
    }
    return principal;
  }

  private adminPrincipal(): Promise<Principal> {
    this.bootstrapAdmin ??= this.users.ensureBootstrapAdmin().then((u) => principalOf(u, [], null));
    return this.bootstrapAdmin;
  }

  async issue(caller: Principal, username: string, name: string, scopes: string[], expiresInDays: number | null): Promise<{ token: string; apiToken: ApiTokenRow }> {
    const user = await this.users.getByUsername(username);
    if (!caller.admin && caller.userId !== user.id) throw forbidden('you can issue tokens only for yourself');
    if (!caller.admin && caller.scopes.length > 0 && !caller.scopes.includes(Scope.Tokens)) {
      throw forbidden(`this token lacks the "${Scope.Tokens}" scope needed to issue tokens`);
    }
    const unknown = scopes.filter((s) => !KNOWN_SCOPES.includes(s));
    if (unknown.length) throw badInput(`unknown scope(s) ${unknown.join(', ')}; allowed: ${KNOWN_SCOPES.join(', ')}`, { field: 'scopes' });
    // A scoped token cannot mint a token with more rights than it has.
    if (caller.scopes.length > 0 && (scopes.length === 0 || scopes.some((s) => !caller.scopes.includes(s)))) {
      throw forbidden('a scoped token can only issue tokens with a subset of its own scopes');
    }
    if (!name.trim() || name.length > 100) throw badInput('token name must be 1-100 characters', { field: 'name' });
    if (expiresInDays !== null && (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 3650)) {
      throw badInput('expiresInDays must be a whole number from 1 to 3650', { field: 'expiresInDays' });
    }
    return this.create(user.id, name.trim(), scopes, expiresInDays);
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
   * A service token (JupyterHub's) acting for a named user: only a token whose scopes name
   * `users:act-as` explicitly, never for a disabled user, never with administrator rights, and with no
   * more than the service token's scopes. Unknown and refused users get the same answer.
   */
  async actAs(service: Principal, username: string): Promise<Principal> {
    if (!service.scopes.includes(Scope.ActAs)) throw forbidden(`acting for another user needs a token with the "${Scope.ActAs}" scope`);
    const user = (await this.users.findByUsername(username)) ?? (await this.provision(username));
    if (!user || user.disabled) throw forbidden(`this token may not act for user "${username}"`, { header: ACT_AS_HEADER });
    // A service acts for an administrator as for anyone else: never with administrator rights, which
    // the service itself does not hold (JupyterHub's admins still get their notebooks).
    return principalOf({ ...user, admin: false }, service.scopes, service.tokenId, service.username);
  }

  /**
   * A user JupyterHub names before they ever used the gateway: with a directory, provisioned from it
   * as a login would (without a password: the service vouches for them); without one, an administrator
   * must create them first, and the error says so.
   */
  private async provision(username: string) {
    const d = this.config.site.directory;
    if (!d) {
      throw forbidden(`user "${username}" does not exist in this gateway, which has no directory: an administrator must create the user (createUser) before a service can act for them`, {
        header: ACT_AS_HEADER,
      });
    }
    const person = await this.directory.lookup(username);
    return person && this.usersRepo.saveFromDirectory(identityOf(person, d.adminGroup), new Date());
  }

  async revoke(caller: Principal, id: number): Promise<ApiTokenRow> {
    const row = await this.tokens.findById(id);
    if (!row) throw new DomainError(ErrorCode.NOT_FOUND, `no token with id ${id}`, { field: 'id' });
    if (!caller.admin && row.userId !== caller.userId) throw forbidden('you can revoke only your own tokens');
    const revoked = row.revokedAt ? row : await this.tokens.revoke(id, new Date());
    this.cache.clear();
    return revoked;
  }

  async list(caller: Principal, username: string | null): Promise<ApiTokenRow[]> {
    if (username === null || username === caller.username) return this.tokens.listForUser(caller.userId);
    if (!caller.admin) throw forbidden("only administrators can list other users' tokens");
    const user = await this.users.getByUsername(username);
    return this.tokens.listForUser(user.id);
  }
}
