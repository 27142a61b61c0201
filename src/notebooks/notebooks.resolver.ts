import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import { RESOLVER_COST } from '../graphql/operation-cost';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequireScope } from '../auth/authorization/access.decorator';
import { Scope } from '../auth/authorization/scopes';
import type { Principal } from '../auth/principal';
import { JobsService } from '../jobs/jobs.service';
import { toJobModel } from '../jobs/models/job.mapper';
import { JobModel } from '../jobs/models/job.model';
import { toProfileModel } from './models/notebook.mapper';
import { NotebookModel, NotebookProfileModel, NotebookStateEnum } from './models/notebook.model';
import { NotebookProgressIterator } from './notebook-progress.iterator';
import type { NotebookState } from './notebook-state';
import { NotebookUpdatesPubSub } from './notebook-updates.pubsub';
import { NotebooksService } from './notebooks.service';

@Resolver(() => NotebookModel)
export class NotebooksResolver {
  constructor(
    private readonly service: NotebooksService,
    private readonly jobs: JobsService,
    private readonly updates: NotebookUpdatesPubSub,
  ) {}

  @RequireScope(Scope.JobsRead)
  @Query(() => [NotebookProfileModel], { description: 'Notebook profiles the caller may use.' })
  notebookProfiles(@CurrentPrincipal() p: Principal): NotebookProfileModel[] {
    return this.service.profiles(p).map(toProfileModel);
  }

  @RequireScope(Scope.JobsRead)
  @Query(() => NotebookModel, { nullable: true, description: "A notebook by id (the caller's own; administrators: any); null if there is none." })
  async notebook(@CurrentPrincipal() p: Principal, @Args('id', { type: () => Int }) id: number): Promise<NotebookModel | null> {
    const row = await this.service.find(p, id);
    return row && this.service.view(row);
  }

  @RequireScope(Scope.JobsRead)
  @Query(() => [NotebookModel], { description: "The caller's notebooks (administrators: everyone's), oldest first." })
  notebooks(@CurrentPrincipal() p: Principal, @Args('states', { type: () => [NotebookStateEnum], nullable: true }) states: NotebookState[] | null): Promise<NotebookModel[]> {
    return this.service.list(p, states ?? null);
  }

  @RequireScope(Scope.JobsRead)
  @Query(() => GraphQLJSON, { description: 'The options a spawn would use, normalized; BAD_USER_INPUT naming the field otherwise.' })
  validateNotebookOptions(@CurrentPrincipal() p: Principal, @Args('profile') profile: string, @Args('options', { type: () => GraphQLJSON, nullable: true }) options: unknown): unknown {
    return this.service.validateOptions(p, profile, options);
  }

  @RequireScope(Scope.JobsWrite)
  @Mutation(() => NotebookModel, { description: 'Start a single-user Jupyter server as a job of the profile.' })
  spawnNotebook(
    @CurrentPrincipal() p: Principal,
    @Args('profile') profile: string,
    @Args('options', { type: () => GraphQLJSON, nullable: true }) options: unknown,
    @Args('serverName', { type: () => String, nullable: true, defaultValue: '' }) serverName: string | null,
    @Args('environment', { type: () => GraphQLJSON, nullable: true, description: 'What JupyterHub wants in the server (JUPYTERHUB_API_TOKEN, JUPYTERHUB_SERVICE_PREFIX, …)' }) environment: unknown,
  ): Promise<NotebookModel> {
    return this.service.spawn(p, { profile, options, serverName: serverName ?? '', environment });
  }

  @RequireScope(Scope.JobsWrite)
  @Mutation(() => NotebookModel, { description: "Cancel the notebook's job; idempotent. STOPPED once the job has ended." })
  stopNotebook(@CurrentPrincipal() p: Principal, @Args('id', { type: () => Int }) id: number): Promise<NotebookModel> {
    return this.service.stop(p, id);
  }

  @RequireScope(Scope.JobsRead)
  @ResolveField(() => JobModel, { description: 'The job the notebook runs as.', complexity: RESOLVER_COST })
  async job(@CurrentPrincipal() p: Principal, @Parent() nb: NotebookModel): Promise<JobModel> {
    return toJobModel(await this.jobs.get(p, nb.jobId));
  }

  @RequireScope(Scope.JobsRead)
  @Subscription(() => NotebookModel, {
    description: 'Every change of one notebook; the first event is its current state. Works across gateway replicas.',
    resolve: (view: NotebookModel) => view,
  })
  async notebookProgress(@CurrentPrincipal() p: Principal, @Args('id', { type: () => Int }) id: number): Promise<AsyncIterableIterator<NotebookModel>> {
    // Listen first, then read: a change in between is not lost.
    const stream = await this.updates.listen();
    try {
      const first = await this.service.view(await this.service.get(p, id));
      return new NotebookProgressIterator(first, stream, async () => {
        const row = await this.service.find(p, id);
        return row && this.service.view(row);
      });
    } catch (e) {
      stream.close();
      throw e;
    }
  }
}
