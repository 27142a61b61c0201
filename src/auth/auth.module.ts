import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { DirectoryModule } from '../directory/directory.module';
import { UsersModule } from '../users/users.module';
import { AccessAudit } from './authorization/access-audit';
import { AccessRulesResolver } from './authorization/access-rules.resolver';
import { AccessGuard } from './authorization/access.guard';
import { BearerStrategy } from './bearer.strategy';
import { LiveSessions } from './live-sessions';
import { LoginRateLimiter } from './login-rate-limiter';
import { LoginResolver } from './login.resolver';
import { LoginService } from './login.service';
import { TokensRepository } from './tokens.repository';
import { TokensResolver } from './tokens.resolver';
import { TokensService } from './tokens.service';

@Module({
  imports: [PassportModule, DiscoveryModule, UsersModule, DirectoryModule],
  providers: [TokensRepository, TokensService, TokensResolver, BearerStrategy, LoginRateLimiter, LoginService, LoginResolver, LiveSessions, AccessAudit, AccessRulesResolver, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [TokensService, LiveSessions, AccessAudit],
})
export class AuthModule {}
