import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('Partition')
export class PartitionModel {
  @Field() name!: string;
  @Field() engine!: string;
  @Field() engineKind!: string;
  @Field() default!: boolean;
  @Field({ description: 'up | down | drain' }) state!: string;
  @Field(() => Int, { description: 'Minutes; -1 = unlimited.' }) maxTimeMinutes!: number;
  @Field(() => Int) nodes!: number;
  @Field(() => Int) cpus!: number;
  @Field(() => Int, { nullable: true }) memoryMB!: number | null;
  @Field(() => Int) gpus!: number;
  @Field() nodeList!: string;
  @Field(() => [String]) allowGroups!: string[];
}
