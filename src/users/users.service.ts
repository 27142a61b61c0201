import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, forbidden } from '../common/domain-error';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import type { Principal } from '../auth/principal';
import { CreateUserArgs } from './dto/create-user.args';
import { UserRow, UsersRepository } from './users.repository';
import { assertAssignableIdentity } from './unix-identity';

/** The user that the bootstrap admin token (HPCG_ADMIN_TOKEN) acts as. */
export const BOOTSTRAP_ADMIN = 'admin';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

  list(caller: Principal): Promise<UserRow[]> {
    if (!caller.admin) throw forbidden('only administrators can list users');
    return this.users.list();
  }

  async create(caller: Principal, args: CreateUserArgs): Promise<UserRow> {
    if (!caller.admin) throw forbidden('only administrators can create users');
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
    });
  }

  /** The bootstrap admin has no Unix identity: it administers (creates users, issues tokens) but owns no jobs. */
  ensureBootstrapAdmin(): Promise<UserRow> {
    return this.users.upsertByUsername({ username: BOOTSTRAP_ADMIN, uid: null, gid: null, home: null, groups: [], admin: true });
  }
}
