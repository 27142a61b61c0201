import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { Request } from 'express';
import { type AddressMatcher, addressMatcher, clientAddress } from '../common/client-address';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { LoginResultModel } from './models/login-result.model';
import { LoginService } from './login.service';
import { Public } from './authorization/access.decorator';

@Resolver()
export class LoginResolver {
  /** The site's trusted proxies: only they may tell us, in X-Forwarded-For, who the client is. */
  private readonly trustedProxies: AddressMatcher;

  constructor(
    private readonly service: LoginService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.trustedProxies = addressMatcher(config.site.security.trustedProxies);
  }

  @Public()
  @Mutation(() => LoginResultModel, { description: 'Exchange a directory user name and password for an API token (failed attempts are rate limited).' })
  login(@Context('req') req: Request, @Args('username') username: string, @Args('password') password: string): Promise<LoginResultModel> {
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], this.trustedProxies);
    return this.service.login(username, password, address);
  }
}
