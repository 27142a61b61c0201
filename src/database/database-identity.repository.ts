import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';

/** The id this database drew when it was created (migration 20261202300000_database_identity). */
@Injectable()
export class DatabaseIdentityRepository {
  constructor(private readonly prisma: PrismaService) {}

  async id(): Promise<string> {
    const row = await this.prisma.databaseIdentity.findUnique({ where: { singleton: true } });
    if (!row) throw new Error('the database has no identity row (table database_identity); was it migrated?');
    return row.id;
  }
}
