import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import { LARGE_VALUE_COST } from '../../graphql/operation-cost';
import { JOB_STATES, JobState } from '../../domain/job';

export const JobStateEnum = Object.fromEntries(JOB_STATES.map((s) => [s, s])) as Record<JobState, JobState>;
registerEnumType(JobStateEnum, { name: 'JobState' });

@ObjectType('ArrayTask')
export class ArrayTaskModel {
  @Field(() => Int, { description: 'SLURM_ARRAY_TASK_ID' }) index!: number;
  @Field(() => Int, { description: "The task's own job id (sacct JobIDRaw)" }) rawId!: number;
  @Field(() => JobStateEnum) state!: JobState;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => Int, { nullable: true }) exitCode!: number | null;
  @Field(() => Int, { nullable: true }) signal!: number | null;
  @Field(() => Date, { nullable: true }) startTime!: Date | null;
  @Field(() => Date, { nullable: true }) endTime!: Date | null;
  @Field(() => String, { nullable: true }) nodeList!: string | null;
}

@ObjectType('JobEvent')
export class JobEventModel {
  @Field() at!: Date;
  @Field(() => Int, { nullable: true }) arrayIndex!: number | null;
  @Field(() => JobStateEnum, { nullable: true }) fromState!: JobState | null;
  @Field(() => JobStateEnum) toState!: JobState;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field() actor!: string;
}

@ObjectType('Job')
export class JobModel {
  @Field(() => Int, { description: 'Gateway job id = Slurm job id (the array job id for arrays)' }) id!: number;
  @Field() name!: string;
  @Field() user!: string;
  @Field(() => Int, { nullable: true, description: "The owner's Unix uid, which the job runs as (squeue %U)" }) uid!: number | null;
  @Field(() => Int, { nullable: true, description: "The owner's Unix gid, which the job runs with (squeue %G)" }) gid!: number | null;
  @Field({ description: 'Where the job was submitted: the gateway host that accepted it (Slurm AllocNode)' }) submitHost!: string;
  @Field(() => String, { nullable: true }) account!: string | null;
  @Field({ description: 'The partition it runs in; while a job of several partitions waits for the gateway to choose, all of them ("a,b"), as Slurm shows it' }) partition!: string;
  @Field() engine!: string;
  @Field(() => String, { nullable: true, description: "The engine's own id for the job (Slurm job id, …); null until the engine has it" }) engineJobId!: string | null;
  @Field(() => JobStateEnum, { description: "For arrays, derived from the tasks' states" }) state!: JobState;
  @Field(() => String, { nullable: true, description: 'Slurm-style reason: QueuedInGateway, Dependency, Resources, …' }) reason!: string | null;
  @Field(() => Int, { nullable: true }) exitCode!: number | null;
  @Field(() => Int, { nullable: true }) signal!: number | null;
  @Field() submitTime!: Date;
  @Field(() => Date, { nullable: true }) eligibleTime!: Date | null;
  @Field(() => Date, { nullable: true }) startTime!: Date | null;
  @Field(() => Date, { nullable: true }) endTime!: Date | null;
  @Field(() => Int, { nullable: true, description: 'Minutes; null = none; -1 = unlimited' }) timeLimitMinutes!: number | null;
  @Field(() => Int) nodes!: number;
  @Field(() => Int) cpus!: number;
  @Field(() => String, { nullable: true }) nodeList!: string | null;
  @Field() workdir!: string;
  @Field(() => String, { nullable: true, description: 'Output pattern as given, or the default' }) stdoutPath!: string | null;
  @Field(() => String, { nullable: true }) stderrPath!: string | null;
  @Field() isArray!: boolean;
  @Field(() => Int, { nullable: true }) arrayMaxConcurrent!: number | null;
  @Field(() => [ArrayTaskModel]) arrayTasks!: ArrayTaskModel[];
  @Field(() => String, { nullable: true, description: 'Dependency in sbatch syntax' }) dependency!: string | null;
  @Field(() => String, { nullable: true }) comment!: string | null;
  @Field(() => String, { nullable: true, description: 'Who cancelled it (user:<name>)' }) cancelledBy!: string | null;
  @Field(() => GraphQLJSON, { description: 'The JobSpec', complexity: LARGE_VALUE_COST }) spec!: unknown;
  /** The engine's own start estimate from the last status pass; read by the `estimatedStart` field, not a field itself. */
  engineStart!: Date | null;
}
