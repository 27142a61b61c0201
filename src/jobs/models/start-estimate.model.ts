import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum StartEstimateSource {
  /** The engine's own estimate (Slurm's backfill scheduler, as `squeue --start` shows it). */
  ENGINE = 'ENGINE',
  /** The gateway's model of the partition's queue: running jobs end at their time limits, the queue is served in order. */
  GATEWAY = 'GATEWAY',
}
registerEnumType(StartEstimateSource, { name: 'StartEstimateSource' });

@ObjectType('StartEstimate', { description: 'When a pending job is expected to start (squeue --start), and where the estimate comes from.' })
export class StartEstimateModel {
  @Field(() => Date, { nullable: true, description: 'null when no estimate can be made (e.g. the partition never reported its size)' }) time!: Date | null;
  @Field(() => StartEstimateSource) source!: StartEstimateSource;
  @Field({ description: 'What the estimate rests on, in words' }) basis!: string;
}
