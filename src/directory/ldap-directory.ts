import { Inject, Injectable } from '@nestjs/common';
import { logFailure } from '../common/log-failure';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { readFileSync } from 'node:fs';
import { Client, type Entry, InvalidCredentialsError } from 'ldapts';
import type { ConnectionOptions } from 'node:tls';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { DomainError, ErrorCode } from '../common/domain-error';
import type { DirectoryConfig } from './directory-config.schema';
import { type DirectoryUser, POSIX_USER_NAME } from './directory-user';
import { type GroupEntry, groupsOf, normaliseDn } from './group-membership';
import { andFilters, fillFilter, notFilter } from './ldap-filter';
import { directoryIdentityProblem } from './directory-identity-policy';

const PAGE = { pageSize: 500 };

function values(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const v = key === undefined ? [] : entry[key];
  return (Array.isArray(v) ? v : [v]).map((x) => x.toString());
}

function first(entry: Entry, attribute: string): string | null {
  return values(entry, attribute)[0] ?? null;
}

function int(value: string | null): number | null {
  return value !== null && /^\d{1,10}$/.test(value) && Number(value) <= 4_294_967_294 ? Number(value) : null;
}

/**
 * The site's LDAP directory, read with ldapts. Search as the service account with escaped filter
 * values, then bind as the DN found with the user's password; a fresh connection per operation keeps
 * one user's bind from ever serving another's request.
 */
@Injectable()
export class LdapDirectory {
  private readonly bindPassword: string | null = null;
  private readonly tls: ConnectionOptions = {};

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectPinoLogger(LdapDirectory.name) private readonly log: PinoLogger,
  ) {
    const d = config.site.directory;
    if (!d) return;
    // loadConfig has read bindPasswordFile into bindPassword and checked that caFile is readable.
    this.bindPassword = d.bindPassword ?? null;
    this.tls = { rejectUnauthorized: d.tls.rejectUnauthorized, ...(d.tls.caFile ? { ca: readFileSync(d.tls.caFile) } : {}) };
  }

  /** The site's directory section; callers check `config.site.directory` before using this class. */
  private get d(): DirectoryConfig {
    if (!this.config.site.directory) throw new Error('no directory is configured (site file: directory)');
    return this.config.site.directory;
  }

  /**
   * The user, when the directory knows them, they are not disabled, and the password is theirs; null
   * otherwise, whichever of these failed (a caller must not learn which). An empty password is refused
   * before any bind: LDAP treats a simple bind with an empty password as an anonymous bind, which succeeds.
   */
  async authenticate(username: string, password: string): Promise<DirectoryUser | null> {
    if (password === '' || username === '') return null;
    const candidate = await this.findEntry(username);
    if (!candidate || !(await this.passwordMatches(candidate, password))) return null;
    // Only after the password proved who is asking: the entry's own uidNumber is theirs to learn.
    this.assertIdentity(candidate);
    return candidate;
  }

  /**
   * Whether the password is that of a user `findEntry` found: one bind as their DN. Separate from
   * the search so that a login can reserve the attempt under the directory's own name for the user
   * (the rate limiter) between finding the entry and binding.
   */
  async passwordMatches(user: DirectoryUser, password: string): Promise<boolean> {
    if (password === '') return false;
    const client = await this.connect();
    try {
      await client.bind(user.dn, password);
      return true;
    } catch (e) {
      if (e instanceof InvalidCredentialsError) return false;
      throw this.unavailable(e);
    } finally {
      await client.unbind().catch(logFailure(this.log, 'ldap unbind failed after a user bind', { url: this.d.url }, 'debug'));
    }
  }

  /** Refuses (FORBIDDEN, naming the entry and the attribute) a directory user jobs could not run as. */
  assertIdentity(user: DirectoryUser): void {
    const problem = directoryIdentityProblem(user, this.config.site.security, this.d.attributes);
    if (problem) {
      this.log.warn({ dn: user.dn, problem }, 'directory user refused by the identity policy');
      throw new DomainError(ErrorCode.FORBIDDEN, problem, { user: user.username, minUid: this.config.site.security.minUid, minGid: this.config.site.security.minGid });
    }
  }

  /**
   * The user as the directory lists them now, without a password (a service acting for them): null
   * when unknown, disabled or outside `requiredGroup`; FORBIDDEN when their uidNumber/gidNumber is
   * below the site's minimum (never provisioned with it).
   */
  async lookup(username: string): Promise<DirectoryUser | null> {
    const user = await this.findEntry(username);
    if (user) this.assertIdentity(user);
    return user;
  }

  /** The entry, unchecked by the identity policy: a login binds before anything about it is revealed. */
  async findEntry(username: string): Promise<DirectoryUser | null> {
    if (username === '') return null;
    const user = await this.withServiceBind(async (c) => {
      const { searchEntries } = await c.search(this.d.userBase, {
        scope: 'sub',
        filter: andFilters(fillFilter(this.d.userFilter, { username }), notFilter(this.d.disabledFilter)),
        attributes: this.userAttributes(),
        sizeLimit: 2,
      });
      if (searchEntries.length !== 1) return null;
      const partial = this.toUser(searchEntries[0]);
      if (!partial) return null;
      return { ...partial, groups: groupsOf(partial, await this.searchGroups(c, partial)) };
    });
    return user && this.allowed(user) ? user : null;
  }

  /** Every user who may use the gateway now, for the periodic sync. Two searches, whatever the number of users. */
  listUsers(): Promise<DirectoryUser[]> {
    return this.withServiceBind(async (c) => {
      const users: DirectoryUser[] = [];
      const groups = await this.searchGroups(c, null);
      for await (const page of c.searchPaginated(this.d.userBase, {
        scope: 'sub',
        filter: andFilters(this.d.userListFilter, notFilter(this.d.disabledFilter)),
        attributes: this.userAttributes(),
        paged: PAGE,
      })) {
        for (const entry of page.searchEntries) {
          const partial = this.toUser(entry);
          if (partial) users.push({ ...partial, groups: groupsOf(partial, groups) });
        }
      }
      return users.filter((u) => this.allowed(u));
    });
  }

  private allowed(user: DirectoryUser): boolean {
    return !this.d.requiredGroup || user.groups.some((g) => g.name === this.d.requiredGroup);
  }

  private userAttributes(): string[] {
    const a = this.d.attributes;
    return [a.username, a.uidNumber, a.gidNumber, a.home, a.shell];
  }

  /** A user entry as a DirectoryUser (groups still empty); null, and a warning, when it lacks what an identity needs. */
  private toUser(entry: Entry): DirectoryUser | null {
    const a = this.d.attributes;
    const user = {
      dn: entry.dn,
      username: first(entry, a.username) ?? '',
      uid: int(first(entry, a.uidNumber)),
      gid: int(first(entry, a.gidNumber)),
      home: first(entry, a.home) ?? '',
      shell: first(entry, a.shell),
      groups: [],
    };
    const problem = !POSIX_USER_NAME.test(user.username)
      ? `${a.username} is not a POSIX user name`
      : user.uid === null
        ? `${a.uidNumber} is missing or not a number`
        : user.gid === null
          ? `${a.gidNumber} is missing or not a number`
          : !user.home.startsWith('/')
            ? `${a.home} is not an absolute path`
            : null;
    if (problem) {
      this.log.warn({ dn: entry.dn, problem }, 'directory entry cannot be a gateway user');
      return null;
    }
    return user as DirectoryUser;
  }

  /** Group entries: those of one user (a filtered search), or all of them (null). */
  private async searchGroups(c: Client, user: { username: string; dn: string; gid: number } | null): Promise<GroupEntry[]> {
    const a = this.d.attributes;
    const memberOf = user && [
      a.memberUid && fillFilter(`(${a.memberUid}={username})`, { username: user.username }),
      a.member && fillFilter(`(${a.member}={dn})`, { dn: user.dn }),
      fillFilter(`(${a.groupGidNumber}={gid})`, { gid: user.gid }),
    ];
    const filter = memberOf ? andFilters(this.d.groupFilter, `(|${memberOf.filter(Boolean).join('')})`) : this.d.groupFilter;
    const entries: Entry[] = [];
    const attributes = [a.groupName, a.groupGidNumber, ...(a.memberUid ? [a.memberUid] : []), ...(a.member ? [a.member] : [])];
    for await (const page of c.searchPaginated(this.d.groupBase, { scope: 'sub', filter, attributes, paged: PAGE })) entries.push(...page.searchEntries);
    return entries
      .map((e) => ({
        name: first(e, a.groupName) ?? '',
        gid: int(first(e, a.groupGidNumber)),
        memberUids: a.memberUid ? values(e, a.memberUid) : [],
        memberDns: a.member ? values(e, a.member).map(normaliseDn) : [],
      }))
      .filter((g) => g.name !== '');
  }

  private async connect(): Promise<Client> {
    // ldapts speaks TLS from the first byte whenever tlsOptions is given, so only ldaps:// gets them.
    const tlsOptions = this.d.url.startsWith('ldaps:') ? this.tls : undefined;
    const client = new Client({ url: this.d.url, timeout: this.d.timeoutMs, connectTimeout: this.d.timeoutMs, tlsOptions });
    try {
      if (this.d.startTls) await client.startTLS(this.tls);
      return client;
    } catch (e) {
      await client.unbind().catch(logFailure(this.log, 'ldap unbind failed after StartTLS failed', { url: this.d.url }, 'debug'));
      throw this.unavailable(e);
    }
  }

  private async withServiceBind<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      if (this.d.bindDn) await client.bind(this.d.bindDn, this.bindPassword ?? '');
      return await fn(client);
    } catch (e) {
      throw this.unavailable(e);
    } finally {
      await client.unbind().catch(logFailure(this.log, 'ldap unbind failed after a service bind', { url: this.d.url }, 'debug'));
    }
  }

  private unavailable(e: unknown): DomainError {
    if (e instanceof DomainError) return e;
    this.log.error({ err: (e as Error).message, url: this.d.url }, 'directory operation failed');
    return new DomainError(ErrorCode.UNAVAILABLE, 'the directory is unavailable; try again later', { service: 'directory' });
  }
}
