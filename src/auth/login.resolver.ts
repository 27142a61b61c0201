import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { Request } from 'express';
import { LoginResultModel } from './models/login-result.model';
import { LoginService } from './login.service';
import { Public } from './authorization/access.decorator';

@Resolver()
export class LoginResolver {
  constructor(private readonly service: LoginService) {}

  @Public()
  @Mutation(() => LoginResultModel, { description: 'Exchange a directory user name and password for an API token (failed attempts are rate limited).' })
  login(@Context('req') req: Request, @Args('username') username: string, @Args('password') password: string): Promise<LoginResultModel> {
    return this.service.login(username, password, req.socket.remoteAddress ?? 'unknown');
  }
}
