import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import type { Principal } from './principal';
import { ACT_AS_HEADER, TokensService } from './tokens.service';

/**
 * `Authorization: Bearer <token>`: API tokens and the bootstrap admin token; with
 * `X-Hpcg-Act-As: <user>`, a service token acting for that user.
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly tokens: TokensService) {
    super({ passReqToCallback: true });
  }

  async validate(req: { headers: Record<string, string | string[] | undefined> }, token: string): Promise<Principal | false> {
    const actAs = req.headers[ACT_AS_HEADER];
    return (await this.tokens.authenticate(token, Array.isArray(actAs) ? actAs[0] : actAs)) ?? false;
  }
}
