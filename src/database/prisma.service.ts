import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { PrismaClient } from '../generated/prisma/client';

/** The one Prisma client of a process. Only repositories inject it. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Columns are `timestamp` holding UTC, as Prisma writes them; a UTC session makes database-side
    // defaults and conversions (CURRENT_TIMESTAMP, ::timestamptz) agree with that on any server.
    super({ adapter: new PrismaPg({ connectionString: config.databaseUrl, max: 20, options: '-c TimeZone=UTC' }) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
