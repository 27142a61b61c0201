import { Module } from '@nestjs/common';
import { UserAccessEvents } from './user-access-events';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({ providers: [UsersRepository, UsersService, UserAccessEvents], exports: [UsersService, UsersRepository, UserAccessEvents] })
export class UsersModule {}
