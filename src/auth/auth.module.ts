import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { DirectoryModule } from '../directory/directory.module';
import { UsersModule } from '../users/users.module';
import { AccessAudit } from './authorization/access-audit';
import { AccessGuard } from './authorization/access.guard';
import { BearerStrategy } from './bearer.strategy';
import { LiveSessions } from './live-sessions';
import { TokensRepository } from './tokens.repository';
import { TokensService } from './tokens.service';

/**
 * Authentication and the one authorization guard, in every process: the worker's own HTTP routes
 * (health, metrics) are denied by default like the API's.
 */
@Module({
  imports: [PassportModule, DiscoveryModule, UsersModule, DirectoryModule],
  providers: [TokensRepository, TokensService, BearerStrategy, LiveSessions, AccessAudit, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [TokensService, LiveSessions, AccessAudit],
})
export class AuthModule {}
