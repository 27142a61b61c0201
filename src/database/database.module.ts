import { Global, Module } from '@nestjs/common';
import { DatabaseIdentityRepository } from './database-identity.repository';
import { PrismaService } from './prisma.service';

@Global()
@Module({ providers: [PrismaService, DatabaseIdentityRepository], exports: [PrismaService, DatabaseIdentityRepository] })
export class DatabaseModule {}
