import { Field, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, IsInt, IsOptional, Max, Min } from 'class-validator';
import { JobState } from '../../domain/job';
import { JobStateEnum } from '../models/job.model';

@InputType('JobFilter')
export class JobFilterInput {
  @Field(() => [Int], { nullable: true, description: 'Job ids, or array task raw ids (returns their job)' })
  @IsOptional()
  @ArrayMaxSize(10_000)
  ids?: number[];

  @Field(() => [JobStateEnum], { nullable: true })
  @IsOptional()
  states?: JobState[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(1000)
  users?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(1000)
  partitions?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(1000)
  names?: string[];

  @Field(() => Date, { nullable: true, description: 'Jobs not ended before this instant (sacct -S)' })
  @IsOptional()
  activeAfter?: Date;

  @Field(() => Date, { nullable: true, description: 'Jobs submitted before this instant (sacct -E)' })
  @IsOptional()
  activeBefore?: Date;
}

@InputType()
export class PageInput {
  @Field(() => Int, { defaultValue: 0 })
  @IsInt()
  @Min(0)
  offset: number = 0;

  @Field(() => Int, { defaultValue: 100 })
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;
}
