import { Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DomainError, ErrorCode } from '../common/domain-error';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import type { Principal } from '../auth/principal';
import { CreateUserArgs } from './dto/create-user.args';
import { UserAccessEvents } from './user-access-events';
import { UserRow, UsersRepository } from './users.repository';
import { assertAssignableIdentity } from './unix-identity';

/** The user that the bootstrap admin token (HPCG_ADMIN_TOKEN) acts as. */
export const BOOTSTRAP_ADMIN = 'admin';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly access: UserAccessEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectPinoLogger(UsersService.name) private readonly log: PinoLogger,
  ) {}

  async get(id: number): Promise<UserRow> {
    const user = await this.users.findById(id);
    if (!user) throw new DomainError(ErrorCode.NOT_FOUND, `no user with id ${id}`);
    return user;
  }

  async getByUsername(username: string): Promise<UserRow> {
    const user = await this.users.findByUsername(username);
    if (!user) throw new DomainError(ErrorCode.NOT_FOUND, `no user "${username}"`, { field: 'username' });
    return user;
  }

  findByUsername(username: string): Promise<UserRow | null> {
    return this.users.findByUsername(username);
  }

  list(): Promise<UserRow[]> {
    return this.users.list();
  }

  async create(caller: Principal, args: CreateUserArgs): Promise<UserRow> {
    // Before anything else: a uid/gid below the site's minimum would let this user's jobs run as a system account.
    assertAssignableIdentity({ uid: args.uid ?? null, gid: args.gid ?? null }, this.config.site.security);
    if (await this.users.findByUsername(args.username)) {
      throw new DomainError(ErrorCode.CONFLICT, `user "${args.username}" already exists`, { field: 'username' });
    }
    return this.users.create({
      username: args.username,
      uid: args.uid ?? null,
      gid: args.gid ?? null,
      home: args.home ?? null,
      groups: args.groups ?? [],
      admin: args.admin ?? false,
      serviceAccount: args.serviceAccount ?? false,
    }).then((user) => {
      this.log.info({ by: caller.username, username: user.username, admin: user.admin, serviceAccount: user.serviceAccount }, 'user created');
      return user;
    });
  }

  async setServiceAccount(caller: Principal, username: string, serviceAccount: boolean): Promise<UserRow> {
    const user = await this.getByUsername(username);
    const updated = await this.users.setServiceAccount(user.id, serviceAccount);
    this.log.info({ by: caller.username, username, serviceAccount }, 'service account flag changed');
    // Cached principals of its tokens (act-as) must not outlive the change.
    if (!serviceAccount) await this.access.publishRevoked([user.id]);
    return updated;
  }

  /** The bootstrap admin has no Unix identity: it administers (creates users, issues tokens) but owns no jobs. */
  ensureBootstrapAdmin(): Promise<UserRow> {
    return this.users.upsertByUsername({ username: BOOTSTRAP_ADMIN, uid: null, gid: null, home: null, groups: [], admin: true });
  }
}
