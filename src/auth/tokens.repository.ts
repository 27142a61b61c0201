import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { ApiToken as ApiTokenRow, User as UserRow } from '../generated/prisma/client';

export type { ApiTokenRow };
export type TokenWithUser = ApiTokenRow & { user: UserRow };

@Injectable()
export class TokensRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByHash(tokenHash: string): Promise<TokenWithUser | null> {
    return this.prisma.apiToken.findUnique({ where: { tokenHash }, include: { user: true } });
  }

  findById(id: number): Promise<ApiTokenRow | null> {
    return this.prisma.apiToken.findUnique({ where: { id } });
  }

  listForUser(userId: number): Promise<ApiTokenRow[]> {
    return this.prisma.apiToken.findMany({ where: { userId }, orderBy: { id: 'asc' } });
  }

  create(data: { userId: number; name: string; tokenHash: string; prefix: string; scopes: string[]; expiresAt: Date | null }): Promise<ApiTokenRow> {
    return this.prisma.apiToken.create({ data });
  }

  revoke(id: number, at: Date): Promise<ApiTokenRow> {
    return this.prisma.apiToken.update({ where: { id }, data: { revokedAt: at } });
  }

  /** Of these tokens, the ones still valid now: not revoked, not expired, their user enabled. */
  async stillValid(ids: number[], now: Date): Promise<Set<number>> {
    const rows = await this.prisma.apiToken.findMany({
      where: { id: { in: ids }, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }], user: { disabled: false } },
      select: { id: true },
    });
    return new Set(rows.map((r) => r.id));
  }

  touch(id: number, at: Date): Promise<unknown> {
    return this.prisma.apiToken.update({ where: { id }, data: { lastUsedAt: at } });
  }
}
