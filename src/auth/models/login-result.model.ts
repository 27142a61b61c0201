import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('LoginResult')
export class LoginResultModel {
  @Field({ description: 'The API token; shown exactly once.' }) token!: string;
  @Field({ description: 'The user name the directory knows the caller by.' }) username!: string;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
}
