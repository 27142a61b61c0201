import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { User as UserRow } from '../generated/prisma/client';

export type { UserRow };

export interface NewUser {
  username: string;
  uid: number | null;
  gid: number | null;
  home: string | null;
  groups: string[];
  admin: boolean;
  serviceAccount?: boolean;
}

/** A user as the directory describes them now (see src/directory). */
export interface DirectoryIdentity {
  username: string;
  uid: number;
  gid: number;
  home: string;
  shell: string | null;
  groups: string[];
  groupIds: number[];
  admin: boolean;
}

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(id: number): Promise<UserRow | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  findByUsername(username: string): Promise<UserRow | null> {
    return this.prisma.user.findUnique({ where: { username } });
  }

  findByUsernames(usernames: string[]): Promise<UserRow[]> {
    return this.prisma.user.findMany({ where: { username: { in: usernames } } });
  }

  list(): Promise<UserRow[]> {
    return this.prisma.user.findMany({ orderBy: { username: 'asc' } });
  }

  create(user: NewUser): Promise<UserRow> {
    return this.prisma.user.create({ data: user });
  }

  /** Creates the user unless it exists; returns the stored row either way. */
  upsertByUsername(user: NewUser): Promise<UserRow> {
    return this.prisma.user.upsert({ where: { username: user.username }, create: user, update: {} });
  }

  /** Creates or refreshes a directory user, enabled; the directory's identity replaces whatever was stored. */
  saveFromDirectory(identity: DirectoryIdentity, at: Date): Promise<UserRow> {
    const data = { ...identity, disabled: false, fromDirectory: true, syncedAt: at };
    return this.prisma.user.upsert({ where: { username: identity.username }, create: data, update: data });
  }

  listFromDirectory(): Promise<UserRow[]> {
    return this.prisma.user.findMany({ where: { fromDirectory: true }, orderBy: { id: 'asc' } });
  }

  setServiceAccount(id: number, serviceAccount: boolean): Promise<UserRow> {
    return this.prisma.user.update({ where: { id }, data: { serviceAccount } });
  }

  /** Of these users, the ones disabled (or gone). */
  async notEnabled(ids: number[]): Promise<Set<number>> {
    const enabled = await this.prisma.user.findMany({ where: { id: { in: ids }, disabled: false }, select: { id: true } });
    const ok = new Set(enabled.map((u) => u.id));
    return new Set(ids.filter((id) => !ok.has(id)));
  }

  async disable(ids: number[], at: Date): Promise<void> {
    await this.prisma.user.updateMany({ where: { id: { in: ids } }, data: { disabled: true, syncedAt: at } });
  }
}
