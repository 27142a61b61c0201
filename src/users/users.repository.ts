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
}
