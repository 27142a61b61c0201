import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('User')
export class UserModel {
  @Field(() => Int) id!: number;
  @Field() username!: string;
  @Field(() => Int, { nullable: true }) uid!: number | null;
  @Field(() => Int, { nullable: true }) gid!: number | null;
  @Field(() => String, { nullable: true }) home!: string | null;
  @Field(() => [String]) groups!: string[];
  @Field(() => [Int], { description: 'Unix group ids the user\'s jobs run with.' }) groupIds!: number[];
  @Field(() => String, { nullable: true }) shell!: string | null;
  @Field({ description: 'Provisioned from the directory (kept in step by its sync).' }) fromDirectory!: boolean;
  @Field() admin!: boolean;
  @Field({ description: 'May hold users:act-as tokens (set by an administrator).' }) serviceAccount!: boolean;
  @Field() disabled!: boolean;
}
