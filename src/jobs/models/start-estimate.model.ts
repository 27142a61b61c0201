import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { type StartEstimate, StartEstimateSource } from '../start-estimate/start-estimate';

registerEnumType(StartEstimateSource, { name: 'StartEstimateSource' });

@ObjectType('StartEstimate', { description: 'When a pending job is expected to start (squeue --start), and where the estimate comes from.' })
export class StartEstimateModel implements StartEstimate {
  @Field(() => Date, { nullable: true, description: 'null when no estimate can be made (e.g. the partition never reported its size)' }) time!: Date | null;
  @Field(() => StartEstimateSource) source!: StartEstimateSource;
  @Field({ description: 'What the estimate rests on, in words' }) basis!: string;
}
