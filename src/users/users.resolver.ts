import { Args, Query, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { CreateUserArgs } from './dto/create-user.args';
import { UserModel } from './models/user.model';
import { UsersService } from './users.service';

@Resolver(() => UserModel)
export class UsersResolver {
  constructor(private readonly service: UsersService) {}

  @Query(() => UserModel, { description: 'The caller.' })
  me(@CurrentPrincipal() p: Principal): Promise<UserModel> {
    return this.service.get(p.userId);
  }

  @Query(() => [UserModel], { description: 'All users (administrators only).' })
  users(@CurrentPrincipal() p: Principal): Promise<UserModel[]> {
    return this.service.list(p);
  }

  @Mutation(() => UserModel, { description: 'Create a user (administrators only).' })
  createUser(@CurrentPrincipal() p: Principal, @Args() args: CreateUserArgs): Promise<UserModel> {
    return this.service.create(p, args);
  }
}
