import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, forbidden } from '../common/domain-error';
import type { Principal } from '../auth/principal';
import { CreateUserArgs } from './dto/create-user.args';
import { UserRow, UsersRepository } from './users.repository';

/** The user that the bootstrap admin token (HPCG_ADMIN_TOKEN) acts as. */
export const BOOTSTRAP_ADMIN = 'admin';

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

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

  ensureBootstrapAdmin(): Promise<UserRow> {
    return this.users.upsertByUsername({ username: BOOTSTRAP_ADMIN, uid: null, gid: null, home: null, groups: [], admin: true });
  }
}
