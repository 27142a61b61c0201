import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('User')
export class UserModel {
  @Field(() => Int) id!: number;
  @Field() username!: string;
  @Field(() => Int, { nullable: true }) uid!: number | null;
  @Field(() => Int, { nullable: true }) gid!: number | null;
  @Field(() => String, { nullable: true }) home!: string | null;
  @Field(() => [String]) groups!: string[];
  @Field() admin!: boolean;
  @Field() disabled!: boolean;
}
