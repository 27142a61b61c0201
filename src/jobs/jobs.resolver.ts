import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { RESOLVER_COST } from '../graphql/operation-cost';
import { badInput } from '../common/domain-error';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequireScope } from '../auth/authorization/access.decorator';
import { mayAccess } from '../auth/authorization/ownership';
import { Scope } from '../auth/authorization/scopes';
import type { Principal } from '../auth/principal';
import { IDEMPOTENCY_KEY_DESCRIPTION, idempotencyKey } from './dto/idempotency-key';
import { BatchScriptArgs, envFromArg } from './dto/batch-script.args';
import { JobFilterInput, PageInput } from './dto/job-filter.input';
import { JobSpecInputType } from './dto/job-spec.input';
import type { JobSpecInput } from '../domain/job';
import { JobSubmissionService } from './job-submission.service';
import { JobUpdatedMessage, JobUpdatesPubSub } from './job-updates.pubsub';
import { JobsService } from './jobs.service';
import { JobEventModel, JobModel } from './models/job.model';
import { toJobModel } from './models/job.mapper';
import { StartEstimateModel } from './models/start-estimate.model';
import { StartEstimateService } from './start-estimate/start-estimate.service';
import { JobOutputModel, JobPageModel, SubmitResultModel, TestResultModel } from './models/job-page.model';
import { registerEnumType } from '@nestjs/graphql';

enum OutputStreamEnum {
  STDOUT = 'stdout',
  STDERR = 'stderr',
}
registerEnumType(OutputStreamEnum, { name: 'OutputStream' });

const CANCEL_SIGNALS = new Set(['TERM', 'KILL', '15', '9']);

function scriptInput(args: BatchScriptArgs) {
  let env: Record<string, string>;
  try {
    env = envFromArg(args.env);
  } catch (e) {
    throw badInput((e as Error).message, { field: 'env' });
  }
  return { script: args.script ?? null, args: args.args ?? [], scriptArgs: args.scriptArgs ?? [], env, cwd: args.cwd ?? null, scriptName: args.scriptName ?? null };
}

/** The job of a submission, read only when the client selects it. */
@Resolver(() => SubmitResultModel)
export class SubmitResultResolver {
  constructor(private readonly service: JobsService) {}

  @RequireScope(Scope.JobsRead)
  @ResolveField(() => JobModel, { complexity: RESOLVER_COST })
  async job(@CurrentPrincipal() p: Principal, @Parent() result: SubmitResultModel): Promise<JobModel> {
    return toJobModel(await this.service.get(p, result.jobId));
  }
}

@Resolver(() => JobModel)
export class JobsResolver {
  constructor(
    private readonly service: JobsService,
    private readonly submission: JobSubmissionService,
    private readonly updates: JobUpdatesPubSub,
    private readonly estimates: StartEstimateService,
  ) {}

  @RequireScope(Scope.JobsRead)
  @Query(() => JobModel, { nullable: true, description: 'A job by id (or an array task raw id); null if there is none.' })
  async job(@CurrentPrincipal() p: Principal, @Args('id', { type: () => Int }) id: number): Promise<JobModel | null> {
    const job = await this.service.find(p, id);
    return job && toJobModel(job);
  }

  @RequireScope(Scope.JobsRead)
  @Query(() => JobPageModel, { description: 'Jobs, oldest first; users see their own, administrators all.' })
  async jobs(
    @CurrentPrincipal() p: Principal,
    @Args('filter', { type: () => JobFilterInput, nullable: true }) filter: JobFilterInput | null,
    @Args('page', { type: () => PageInput, nullable: true }) page: PageInput | null,
  ): Promise<JobPageModel> {
    const f = filter ?? {};
    const { items, total } = await this.service.list(
      p,
      { ids: f.ids, states: f.states, usernames: f.users, partitions: f.partitions, names: f.names, activeAfter: f.activeAfter, activeBefore: f.activeBefore },
      page?.offset ?? 0,
      page?.limit ?? 100,
    );
    return { items: items.map(toJobModel), total };
  }

  @RequireScope(Scope.JobsRead)
  @Query(() => JobOutputModel, { description: "A job's stdout or stderr: the last `tail` lines, or `limit` bytes from `offset`." })
  async jobOutput(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => Int }) id: number,
    @Args('arrayIndex', { type: () => Int, nullable: true }) arrayIndex: number | null,
    @Args('stream', { type: () => OutputStreamEnum, defaultValue: OutputStreamEnum.STDOUT }) stream: OutputStreamEnum,
    @Args('tail', { type: () => Int, nullable: true }) tail: number | null,
    @Args('offset', { type: () => Int, nullable: true }) offset: number | null,
    @Args('limit', { type: () => Int, nullable: true }) limit: number | null,
  ): Promise<JobOutputModel> {
    return this.service.output(p, id, { arrayIndex: arrayIndex ?? null, stream, tail: tail ?? null, offset: offset ?? 0, limit: limit ?? 64 * 1024 });
  }

  @RequireScope(Scope.JobsRead)
  @Query(() => TestResultModel, { description: 'sbatch --test-only: validate and translate without submitting.' })
  testBatchScript(@CurrentPrincipal() p: Principal, @Args() args: BatchScriptArgs): Promise<TestResultModel> {
    return this.submission.testBatchScript(p, scriptInput(args));
  }

  @RequireScope(Scope.JobsWrite)
  @Mutation(() => SubmitResultModel, { description: 'sbatch: submit a batch script with sbatch options.' })
  async submitBatchScript(
    @CurrentPrincipal() p: Principal,
    @Args() args: BatchScriptArgs,
    @Args('idempotencyKey', { type: () => String, nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION }) key: string | null,
  ): Promise<SubmitResultModel> {
    return { jobId: await this.submission.submitBatchScript(p, scriptInput(args), idempotencyKey(key)) };
  }

  @RequireScope(Scope.JobsWrite)
  @Mutation(() => SubmitResultModel, { description: 'Submit a structured JobSpec (absent fields get sbatch defaults).' })
  async submitJob(
    @CurrentPrincipal() p: Principal,
    @Args('input', { type: () => JobSpecInputType }) input: JobSpecInput,
    @Args('cwd', { type: () => String, nullable: true }) cwd: string | null,
    @Args('idempotencyKey', { type: () => String, nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION }) key: string | null,
  ): Promise<SubmitResultModel> {
    return { jobId: await this.submission.submitJob(p, input, cwd ?? null, idempotencyKey(key)) };
  }

  @RequireScope(Scope.JobsWrite)
  @Mutation(() => JobModel, { description: 'scancel: the whole job, or one array task.' })
  async cancelJob(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => Int }) id: number,
    @Args('arrayIndex', { type: () => Int, nullable: true }) arrayIndex: number | null,
    @Args('signal', { type: () => String, nullable: true, description: 'scancel -s: only TERM or KILL (or none) cancel the job' }) signal: string | null,
  ): Promise<JobModel> {
    if (signal !== null && signal !== undefined && !CANCEL_SIGNALS.has(signal.toUpperCase().replace(/^SIG/, ''))) {
      throw badInput(`scancel --signal=${signal} is not supported by this gateway: only TERM and KILL (which cancel the job) are`, { field: 'signal', allowed: ['TERM', 'KILL'] });
    }
    return toJobModel(await this.service.cancel(p, id, arrayIndex ?? null));
  }

  @RequireScope(Scope.JobsWrite)
  @Mutation(() => JobModel, { description: 'scontrol hold' })
  async holdJob(@CurrentPrincipal() p: Principal, @Args('id', { type: () => Int }) id: number): Promise<JobModel> {
    return toJobModel(await this.service.hold(p, id));
  }

  @RequireScope(Scope.JobsWrite)
  @Mutation(() => JobModel, { description: 'scontrol release' })
  async releaseJob(@CurrentPrincipal() p: Principal, @Args('id', { type: () => Int }) id: number): Promise<JobModel> {
    return toJobModel(await this.service.release(p, id));
  }

  @RequireScope(Scope.JobsRead)
  @ResolveField(() => [JobEventModel], { description: 'Every state change: when, from, to, why, who.', complexity: RESOLVER_COST })
  events(@Parent() job: JobModel): Promise<JobEventModel[]> {
    return this.service.events(job.id);
  }

  @RequireScope(Scope.JobsRead)
  @ResolveField(() => StartEstimateModel, {
    nullable: true,
    description: 'squeue --start: when a pending job is expected to start, and from what; null once it is not pending.',
    complexity: RESOLVER_COST,
  })
  estimatedStart(@Parent() job: JobModel): Promise<StartEstimateModel | null> {
    const spec = job.spec as { begin?: string | null };
    return this.estimates.estimate({ ...job, begin: spec.begin ?? null });
  }

  @RequireScope(Scope.JobsRead)
  @Subscription(() => JobModel, {
    description: 'Changes to one job (id) or to every job the caller may see; works across gateway replicas.',
    filter(this: JobsResolver, message: JobUpdatedMessage, variables: { id?: number | null }, context: { req: { user: Principal } }) {
      const p = context.req.user;
      return (variables.id == null || variables.id === message.jobId) && mayAccess(p, message.userId);
    },
    async resolve(this: JobsResolver, message: JobUpdatedMessage, _vars: unknown, context: { req: { user: Principal } }) {
      return toJobModel(await this.service.get(context.req.user, message.jobId));
    },
  })
  jobUpdated(@CurrentPrincipal() p: Principal, @Args('id', { type: () => Int, nullable: true }) _id: number | null) {
    return this.updates.iterator();
  }
}
