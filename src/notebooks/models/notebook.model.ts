import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import { NOTEBOOK_STATES, type NotebookState } from '../notebook-state';

export const NotebookStateEnum = Object.fromEntries(NOTEBOOK_STATES.map((s) => [s, s])) as Record<NotebookState, NotebookState>;
registerEnumType(NotebookStateEnum, { name: 'NotebookState' });

@ObjectType('NotebookProfileOption')
export class NotebookProfileOptionModel {
  @Field({ description: 'cpus | memory | gpus | time | image' }) name!: string;
  @Field() label!: string;
  @Field({ description: 'integer | memory | duration | choice' }) kind!: string;
  @Field({ name: 'default' }) default!: string;
  @Field(() => String, { nullable: true }) min!: string | null;
  @Field(() => String, { nullable: true }) max!: string | null;
  @Field(() => [String], { nullable: true }) choices!: string[] | null;
}

@ObjectType('NotebookProfile')
export class NotebookProfileModel {
  @Field() name!: string;
  @Field() description!: string;
  @Field() partition!: string;
  @Field(() => String, { nullable: true }) image!: string | null;
  @Field(() => Int) cpus!: number;
  @Field() memory!: string;
  @Field(() => Int) memoryMB!: number;
  @Field(() => Int) gpus!: number;
  @Field() maxTime!: string;
  @Field(() => Int) maxTimeMinutes!: number;
  @Field(() => [String]) allowGroups!: string[];
  @Field(() => [NotebookProfileOptionModel], { description: 'What a user may change, within bounds' }) options!: NotebookProfileOptionModel[];
}

@ObjectType('Notebook')
export class NotebookModel {
  @Field(() => Int) id!: number;
  @Field(() => Int) jobId!: number;
  @Field() user!: string;
  @Field() serverName!: string;
  @Field() profile!: string;
  @Field(() => GraphQLJSON, { description: 'Normalized: {cpus, memory, gpus, time, image}' }) options!: unknown;
  @Field(() => NotebookStateEnum) state!: NotebookState;
  @Field(() => String, { nullable: true, description: "PENDING: the job's reason; STOPPED/FAILED: why" }) reason!: string | null;
  @Field(() => Int, { nullable: true, description: 'PENDING only: 1 = next to start among pending jobs of its partition' }) queuePosition!: number | null;
  @Field({ description: 'One human line for progress' }) message!: string;
  @Field(() => String, { nullable: true }) host!: string | null;
  @Field(() => Int, { nullable: true }) port!: number | null;
  @Field(() => String, { nullable: true, description: 'http://host:port once READY (no prefix)' }) url!: string | null;
  @Field() stopRequested!: boolean;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) readyAt!: Date | null;
  @Field(() => Date, { nullable: true }) endedAt!: Date | null;
  // `job` is resolved on demand (NotebooksResolver).
}
