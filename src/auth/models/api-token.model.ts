import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ApiToken')
export class ApiTokenModel {
  @Field(() => Int) id!: number;
  @Field() name!: string;
  @Field({ description: 'First characters of the token, to tell tokens apart.' }) prefix!: string;
  @Field(() => [String]) scopes!: string[];
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
}

@ObjectType('IssuedToken')
export class IssuedTokenModel {
  @Field({ description: 'The token itself; shown exactly once.' }) token!: string;
  @Field(() => ApiTokenModel) apiToken!: ApiTokenModel;
}
