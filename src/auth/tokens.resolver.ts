import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RequireScope } from './authorization/access.decorator';
import { Scope } from './authorization/scopes';
import { CurrentPrincipal } from './current-principal.decorator';
import { ApiTokenModel, IssuedTokenModel } from './models/api-token.model';
import type { Principal } from './principal';
import { TokensService } from './tokens.service';

@Resolver(() => ApiTokenModel)
export class TokensResolver {
  constructor(private readonly service: TokensService) {}

  @RequireScope(Scope.Tokens, { direct: true })
  @Query(() => [ApiTokenModel], { description: "The caller's tokens, or a named user's (administrators)." })
  tokens(@CurrentPrincipal() p: Principal, @Args('username', { nullable: true, type: () => String }) username: string | null): Promise<ApiTokenModel[]> {
    return this.service.list(p, username ?? null);
  }

  @RequireScope(Scope.Tokens, { direct: true })
  @Mutation(() => IssuedTokenModel, { description: 'Issue an API token: administrators for anyone, users for themselves.' })
  issueToken(
    @CurrentPrincipal() p: Principal,
    @Args('username') username: string,
    @Args('name') name: string,
    @Args('scopes', { type: () => [String], nullable: true }) scopes: string[] | null,
    @Args('expiresInDays', { type: () => Int, nullable: true }) expiresInDays: number | null,
  ): Promise<IssuedTokenModel> {
    return this.service.issue(p, username, name, scopes ?? [], expiresInDays ?? null);
  }

  @RequireScope(Scope.Tokens, { direct: true })
  @Mutation(() => ApiTokenModel)
  revokeToken(@CurrentPrincipal() p: Principal, @Args('id', { type: () => Int }) id: number): Promise<ApiTokenModel> {
    return this.service.revoke(p, id);
  }
}
