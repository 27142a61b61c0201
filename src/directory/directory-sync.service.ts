import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { JobsService } from '../jobs/jobs.service';
import { NotebooksService } from '../notebooks/notebooks.service';
import { UserAccessEvents } from '../users/user-access-events';
import { type DirectoryIdentity, type UserRow, UsersRepository } from '../users/users.repository';
import { identityOf } from './directory-identity';
import { directoryIdentityProblem } from './directory-identity-policy';
import { LdapDirectory } from './ldap-directory';

function changed(row: UserRow, identity: DirectoryIdentity): boolean {
  const same = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  return (
    row.disabled ||
    row.uid !== identity.uid ||
    row.gid !== identity.gid ||
    row.home !== identity.home ||
    row.shell !== identity.shell ||
    row.admin !== identity.admin ||
    !same(row.groups, identity.groups) ||
    !same(row.groupIds, identity.groupIds)
  );
}

/**
 * The worker's periodic sync of directory users (`directory.syncIntervalSeconds`): users who logged
 * in before get the directory's current uid, gid, home, groups and admin flag; a user the directory
 * no longer lists (deleted, matching `disabledFilter`, or outside `requiredGroup`) is disabled: every
 * process drops their cached tokens at once, their notebooks are stopped (running or not), and their
 * other jobs that have not started are cancelled.
 * Their history stays. A user who comes back is enabled again at the next sync or login.
 */
@Injectable()
export class DirectorySyncService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly directory: LdapDirectory,
    private readonly users: UsersRepository,
    private readonly access: UserAccessEvents,
    private readonly jobs: JobsService,
    private readonly notebooks: NotebooksService,
    @InjectPinoLogger(DirectorySyncService.name) private readonly log: PinoLogger,
  ) {}

  async sync(now = new Date()): Promise<{ refreshed: string[]; disabled: string[] }> {
    const d = this.config.site.directory;
    if (!d) return { refreshed: [], disabled: [] };
    const people = new Map((await this.directory.listUsers()).map((p) => [p.username, p]));
    const known = await this.users.listFromDirectory();
    if (people.size === 0 && known.some((u) => !u.disabled)) {
      // An empty answer is far likelier a wrong base or filter than a site without users.
      this.log.warn({ userBase: d.userBase }, 'directory sync found no users at all; disabling nobody');
      return { refreshed: [], disabled: [] };
    }
    const refreshed: string[] = [];
    const gone: UserRow[] = [];
    for (const row of known) {
      const person = people.get(row.username);
      // An entry whose uidNumber/gidNumber fell below the site's minimum is treated as gone: never refreshed to it.
      const problem = person ? directoryIdentityProblem(person, this.config.site.security, d.attributes) : null;
      if (problem) this.log.warn({ username: row.username, problem }, 'directory user refused by the identity policy');
      if (!person || problem) {
        if (!row.disabled) gone.push(row);
        continue;
      }
      const identity = identityOf(person, d.adminGroup);
      if (!changed(row, identity)) continue;
      await this.users.saveFromDirectory(identity, now);
      refreshed.push(row.username);
    }
    if (gone.length) {
      await this.users.disable(gone.map((u) => u.id), now);
      await this.access.publishRevoked(gone.map((u) => u.id)).catch((e: Error) => this.log.warn({ err: e.message }, 'could not announce revoked users'));
      for (const user of gone) {
        const stoppedNotebooks = await this.notebooks.stopAllOf(user.id, 'system:directory-sync (user no longer in the directory)');
        const cancelled = await this.jobs.cancelNotStarted(user.id, 'system:directory-sync');
        this.log.info({ username: user.username, userId: user.id, cancelledJobs: cancelled, stoppedNotebooks }, 'user no longer in the directory, or refused by the identity policy: disabled');
      }
    }
    if (refreshed.length) this.log.info({ users: refreshed }, 'directory users refreshed');
    return { refreshed, disabled: gone.map((u) => u.username) };
  }
}
