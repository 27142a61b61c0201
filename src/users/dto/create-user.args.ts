import { ArgsType, Field, Int } from '@nestjs/graphql';
import { ArrayMaxSize, IsBoolean, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

const POSIX_NAME = /^[a-z_][a-z0-9_.-]{0,31}$/;

@ArgsType()
export class CreateUserArgs {
  @Field()
  @Matches(POSIX_NAME, { message: 'username must be a POSIX user name: lowercase letter or "_" first, then lowercase letters, digits, "_", "." or "-", at most 32 characters' })
  username!: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(4_294_967_294)
  uid?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(4_294_967_294)
  gid?: number;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(/^\//, { message: "home must be an absolute path" })
  home?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(1000)
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { each: true, message: 'group names are letters, digits, "_", "." or "-" (1-64)' })
  groups?: string[];

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  admin?: boolean;

  @Field({ nullable: true, description: 'A service account (JupyterHub, a portal back end): only these may be given users:act-as tokens.' })
  @IsOptional()
  @IsBoolean()
  serviceAccount?: boolean;
}
