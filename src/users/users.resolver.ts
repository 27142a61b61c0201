import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminOnly, SignedIn } from '../auth/authorization/access.decorator';
import { Scope } from '../auth/authorization/scopes';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { CreateUserArgs } from './dto/create-user.args';
import { UserModel } from './models/user.model';
import { UsersService } from './users.service';

@Resolver(() => UserModel)
export class UsersResolver {
  constructor(private readonly service: UsersService) {}

  @SignedIn()
  @Query(() => UserModel, { description: 'The caller (the user acted for, when a service acts for someone).' })
  me(@CurrentPrincipal() p: Principal): Promise<UserModel> {
    return this.service.get(p.userId);
  }

  @AdminOnly(Scope.Admin)
  @Query(() => [UserModel], { description: 'All users (administrators only).' })
  users(): Promise<UserModel[]> {
    return this.service.list();
  }

  @AdminOnly(Scope.Admin)
  @Mutation(() => UserModel, { description: 'Create a user (administrators only).' })
  createUser(@CurrentPrincipal() p: Principal, @Args() args: CreateUserArgs): Promise<UserModel> {
    return this.service.create(p, args);
  }

  @AdminOnly(Scope.Admin)
  @Mutation(() => UserModel, { description: 'Mark or unmark a service account (administrators only); unmarking stops its act-as tokens at once.' })
  setServiceAccount(@CurrentPrincipal() p: Principal, @Args('username') username: string, @Args('serviceAccount') serviceAccount: boolean): Promise<UserModel> {
    return this.service.setServiceAccount(p, username, serviceAccount);
  }
}
