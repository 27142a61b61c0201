import { Module } from '@nestjs/common';
import { LdapDirectory } from './ldap-directory';

@Module({ providers: [LdapDirectory], exports: [LdapDirectory] })
export class DirectoryModule {}
