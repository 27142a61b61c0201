import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { hostname } from 'node:os';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { DomainError, ErrorCode, badInput, forbidden, notFound } from '../common/domain-error';
import type { Principal } from '../auth/principal';
import { hashToken, newToken } from '../auth/token-hash';
import { JobSubmissionService } from '../jobs/job-submission.service';
import { JobsService } from '../jobs/jobs.service';
import { LimitsService } from '../limits/limits.service';
import { PartitionsService } from '../partitions/partitions.service';
import { toNotebookModel } from './models/notebook.mapper';
import type { NotebookModel } from './models/notebook.model';
import { hubEnvironment, notebookJobSpec } from './notebook-job';
import { publicOptions, resolveOptions } from './notebook-options';
import type { ResolvedProfile } from './notebook-profiles';
import { LIVE_NOTEBOOK_STATES, type NotebookState, isNotebookFinal } from './notebook-state';
import { NotebookStateService } from './notebook-state.service';
import { NotebookUpdatesPubSub } from './notebook-updates.pubsub';
import { StartEstimateService, estimatedJobOf } from '../jobs/start-estimate/start-estimate.service';
import { StartEstimateSource } from '../jobs/start-estimate/start-estimate';
import { NotebooksRepository, type NotebookRow } from './notebooks.repository';
import { assertUnixIdentity } from '../users/unix-identity';

const SERVER_NAME = /^[A-Za-z0-9._-]{0,64}$/;

export interface SpawnInput {
  profile: string;
  options: unknown;
  serverName: string;
  environment: unknown;
}

/** Who a change is recorded as: the user, or the service (JupyterHub) acting for them. */
export function actorOf(p: Principal): string {
  return p.actingService ? `service:${p.actingService} for user:${p.username}` : `user:${p.username}`;
}

/** Notebooks for a caller: a user sees and changes only their own, an admin all (like jobs). */
@Injectable()
export class NotebooksService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: NotebooksRepository,
    private readonly submission: JobSubmissionService,
    private readonly jobs: JobsService,
    private readonly partitions: PartitionsService,
    private readonly limits: LimitsService,
    private readonly estimates: StartEstimateService,
    private readonly state: NotebookStateService,
    private readonly updates: NotebookUpdatesPubSub,
    private readonly http: HttpAdapterHost,
    @InjectPinoLogger(NotebooksService.name) private readonly log: PinoLogger,
  ) {}

  private mayUse(p: Principal, profile: ResolvedProfile): boolean {
    if (p.admin) return true;
    if (profile.allowGroups && !profile.allowGroups.some((g) => p.groups.includes(g))) return false;
    try {
      this.partitions.resolve([profile.partition], p);
      return true;
    } catch {
      return false;
    }
  }

  profiles(p: Principal): ResolvedProfile[] {
    return this.config.notebooks.profiles.filter((profile) => this.mayUse(p, profile));
  }

  private profile(p: Principal, name: string): ResolvedProfile {
    const profile = this.config.notebooks.profiles.find((x) => x.name === name);
    const usable = this.profiles(p).map((x) => x.name);
    if (!profile) throw badInput(`no notebook profile "${name}"; profiles you may use: ${usable.join(', ') || 'none'}`, { field: 'profile', allowed: usable });
    if (!this.mayUse(p, profile)) throw forbidden(`you may not use notebook profile "${name}"; profiles you may use: ${usable.join(', ') || 'none'}`, { field: 'profile', allowed: usable });
    return profile;
  }

  validateOptions(p: Principal, profile: string, options: unknown) {
    return publicOptions(resolveOptions(this.profile(p, profile), options));
  }

  /** Where a job reaches this gateway: the configured URL, else this API's own address and port. */
  private gatewayUrl(): string {
    if (this.config.notebooks.gatewayUrl) return this.config.notebooks.gatewayUrl;
    const address = this.http.httpAdapter?.getHttpServer()?.address() as { port: number } | null;
    const host = ['0.0.0.0', '::', ''].includes(this.config.host) ? hostname() : this.config.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address?.port ?? this.config.port}`;
  }

  async spawn(p: Principal, input: SpawnInput): Promise<NotebookModel> {
    // A notebook is a job run as its owner: refuse before reserving anything (submission checks again).
    assertUnixIdentity(p, this.config.site.security);
    const profile = this.profile(p, input.profile);
    const options = resolveOptions(profile, input.options);
    const environment = hubEnvironment(input.environment);
    if (!SERVER_NAME.test(input.serverName)) throw badInput(`serverName "${input.serverName}" is invalid: up to 64 letters, digits, ".", "-" and "_"`, { field: 'serverName' });
    const conflict = () => new DomainError(ErrorCode.CONFLICT, `you already have a notebook named "${input.serverName}" that is not stopped; stop it first or choose another serverName`, { field: 'serverName' });
    if (await this.repo.hasLive(p.userId, input.serverName)) throw conflict();
    const max = this.limits.limitsOf(p.groups).maxNotebooks;
    if (max !== undefined) {
      const live = await this.repo.countLive(p.userId);
      if (live >= max) {
        throw new DomainError(ErrorCode.LIMIT_EXCEEDED, `${p.username} has ${live} notebooks running or starting; the limit is ${max} (limit maxNotebooks)`, { limit: 'maxNotebooks', asked: live + 1, allowed: max });
      }
    }

    const id = await this.repo.reserveId();
    const token = newToken();
    const prefix = environment.JUPYTERHUB_SERVICE_PREFIX ? environment.JUPYTERHUB_SERVICE_PREFIX.replace(/\/?$/, '/') : '/';
    const spec = notebookJobSpec({
      notebookId: id,
      serverName: input.serverName,
      profile,
      options,
      hubEnvironment: environment,
      token,
      registerUrl: `${this.gatewayUrl()}/notebooks/${id}`,
      python: this.config.notebooks.python,
      ports: this.config.notebooks.ports,
    });
    const jobId = await this.submission.submitJob(p, spec, null);
    const actor = actorOf(p);
    const row = await this.repo.create({
      id,
      userId: p.userId,
      jobId,
      serverName: input.serverName,
      profile: profile.name,
      options: { ...publicOptions(options) },
      prefix,
      tokenHash: hashToken(token),
      reason: 'QueuedInGateway',
      actor,
    });
    if (!row) {
      // A concurrent spawn of the same server name won the unique index: this job has nothing to serve.
      await this.jobs.cancelAsSystem(jobId, actor);
      throw conflict();
    }
    this.log.info({ notebookId: id, jobId, user: p.username, profile: profile.name, serverName: input.serverName }, 'notebook spawned');
    await this.updates.publish({ notebookId: id, userId: p.userId });
    return this.view(row);
  }

  /** The notebook if the caller may see it (owner or admin); null otherwise, the same as none. */
  async find(p: Principal, id: number): Promise<NotebookRow | null> {
    const row = await this.repo.findById(id);
    return row && (p.admin || row.userId === p.userId) ? row : null;
  }

  async get(p: Principal, id: number): Promise<NotebookRow> {
    const row = await this.find(p, id);
    if (!row) throw notFound(`no notebook ${id}`, { field: 'id' });
    return row;
  }

  async list(p: Principal, states: NotebookState[] | null): Promise<NotebookModel[]> {
    const rows = await this.repo.list({ userId: p.admin ? undefined : p.userId, states: states ?? undefined });
    return this.views(rows);
  }

  async view(row: NotebookRow): Promise<NotebookModel> {
    return (await this.views([row]))[0];
  }

  /** GraphQL views; the queue positions of all pending ones in one query, their expected starts from what the gateway knows. */
  async views(rows: NotebookRow[]): Promise<NotebookModel[]> {
    const pending = rows.filter((r) => r.state === 'PENDING');
    const positions = await this.repo.queuePositions(pending.map((r) => r.jobId));
    const starts = new Map(
      await Promise.all(
        pending.map(async (r) => {
          const e = await this.estimates.estimate(estimatedJobOf(r.job));
          return [r.id, e?.time ? { time: e.time, by: e.source === StartEstimateSource.ENGINE ? ('engine' as const) : ('gateway' as const) } : null] as const;
        }),
      ),
    );
    return rows.map((r) => toNotebookModel(r, positions.get(r.jobId), starts.get(r.id)));
  }

  /** Cancels the notebook's job; idempotent. STOPPED once the job has ended (at once for a job still in the gateway). */
  async stop(p: Principal, id: number): Promise<NotebookModel> {
    const row = await this.get(p, id);
    await this.stopRow(row, actorOf(p));
    return this.view((await this.repo.findById(id))!);
  }

  /** A user who lost access loses their running notebooks too. */
  async stopAllOf(userId: number, actor: string): Promise<number[]> {
    const rows = await this.repo.findLive({ userId });
    for (const row of rows) await this.stopRow(row, actor);
    return rows.map((r) => r.id);
  }

  private async stopRow(row: NotebookRow, actor: string): Promise<void> {
    if (isNotebookFinal(row.state)) return;
    if (!row.stopRequested) await this.repo.apply({ id: row.id, from: [...LIVE_NOTEBOOK_STATES], data: { stopRequested: true, stopActor: actor, tokenHash: null } });
    await this.jobs.cancelAsSystem(row.jobId, actor);
    // A job cancelled in the gateway has ended already: STOPPED now rather than at the next pass.
    const fresh = await this.repo.findLive({ jobIds: [row.jobId] });
    await this.state.reconcile(fresh);
    await this.updates.publish({ notebookId: row.id, userId: row.userId });
  }
}
