import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { DirectoryModule } from '../directory/directory.module';
import { UsersModule } from '../users/users.module';
import { AuthGuard } from './auth.guard';
import { BearerStrategy } from './bearer.strategy';
import { LoginRateLimiter } from './login-rate-limiter';
import { LoginResolver } from './login.resolver';
import { LoginService } from './login.service';
import { TokensRepository } from './tokens.repository';
import { TokensResolver } from './tokens.resolver';
import { TokensService } from './tokens.service';

@Module({
  imports: [PassportModule, UsersModule, DirectoryModule],
  providers: [TokensRepository, TokensService, TokensResolver, BearerStrategy, LoginRateLimiter, LoginService, LoginResolver, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokensService],
})
export class AuthModule {}
