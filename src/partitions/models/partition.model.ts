import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('Partition')
export class PartitionModel {
  @Field() name!: string;
  @Field({ description: "The site's cluster name (Slurm's ClusterName; SLURM_CLUSTER_NAME in jobs), the same for every partition." }) cluster!: string;
  @Field() engine!: string;
  @Field() engineKind!: string;
  @Field() default!: boolean;
  @Field({ description: 'up | down | drain | unknown (the engine has not reported lately)' }) state!: string;
  @Field(() => Int, { description: 'Minutes; -1 = unlimited.' }) maxTimeMinutes!: number;
  @Field(() => Int) nodes!: number;
  @Field(() => Int) cpus!: number;
  @Field(() => Int, { nullable: true }) memoryMB!: number | null;
  @Field(() => Int) gpus!: number;
  @Field() nodeList!: string;
  @Field(() => [String]) allowGroups!: string[];
  @Field(() => Date, { nullable: true, description: 'When the engine last reported the capacity shown (the worker asks it periodically).' })
  capacityObservedAt!: Date | null;
  @Field(() => Int, { nullable: true, description: 'Seconds since capacityObservedAt; null when the engine never reported.' })
  capacityAgeSeconds!: number | null;
}
