import { Field, Int, ObjectType } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import { JobModel } from './job.model';

@ObjectType('JobPage')
export class JobPageModel {
  @Field(() => [JobModel]) items!: JobModel[];
  @Field(() => Int) total!: number;
}

@ObjectType('SubmitResult')
export class SubmitResultModel {
  @Field(() => Int) jobId!: number;
  // `job` is resolved on demand (JobsResolver): most submitters want only the id.
}

@ObjectType('TestResult')
export class TestResultModel {
  @Field(() => GraphQLJSON, { description: 'The JobSpec that would be stored' }) spec!: unknown;
  @Field({ description: 'The engine that would run it' }) engine!: string;
  @Field(() => GraphQLJSON, { description: 'What that engine would run' }) translation!: unknown;
}

@ObjectType('JobOutput')
export class JobOutputModel {
  @Field(() => String, { nullable: true }) path!: string | null;
  @Field() data!: string;
  @Field(() => Int) nextOffset!: number;
  @Field(() => Int) size!: number;
}
