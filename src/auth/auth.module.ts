import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { UsersModule } from '../users/users.module';
import { AuthGuard } from './auth.guard';
import { BearerStrategy } from './bearer.strategy';
import { TokensRepository } from './tokens.repository';
import { TokensResolver } from './tokens.resolver';
import { TokensService } from './tokens.service';

@Module({
  imports: [PassportModule, UsersModule],
  providers: [TokensRepository, TokensService, TokensResolver, BearerStrategy, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokensService],
})
export class AuthModule {}
