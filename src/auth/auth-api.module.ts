import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { UsersModule } from '../users/users.module';
import { AccessRulesResolver } from './authorization/access-rules.resolver';
import { AuthModule } from './auth.module';
import { LoginRateLimiter } from './login-rate-limiter';
import { LoginResolver } from './login.resolver';
import { LoginService } from './login.service';
import { TokensResolver } from './tokens.resolver';

/** The API's side: sign-in and the token and access-rule fields (the worker never loads GraphQL). */
@Module({
  imports: [AuthModule, UsersModule, DirectoryModule],
  providers: [LoginRateLimiter, LoginService, LoginResolver, TokensResolver, AccessRulesResolver],
})
export class AuthApiModule {}
