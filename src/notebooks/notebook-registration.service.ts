import { Inject, Injectable } from '@nestjs/common';
import { isIP } from 'node:net';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/load-config';
import { EngineRegistry } from '../engines/engine-registry';
import { DomainError, ErrorCode, badInput, forbidden } from '../common/domain-error';
import { hashToken, secretsEqual } from '../auth/token-hash';
import { jobNodeAddresses, nodeNames, normalizeAddress, resolveHost } from './notebook-node-addresses';
import { probeServer } from './notebook-probe';
import { notebookUrl } from './notebook-state';
import { NotebookStateService } from './notebook-state.service';
import { NotebookUpdatesPubSub } from './notebook-updates.pubsub';
import { NotebooksRepository, type NotebookRow } from './notebooks.repository';

const HOST = /^[A-Za-z0-9.:-]{1,255}$/;
const MAX_REASON = 8000;

const refused = () => new DomainError(ErrorCode.UNAUTHENTICATED, 'missing, wrong or already used notebook token (send "Authorization: Bearer <HPCG_NOTEBOOK_TOKEN>")');

/**
 * The launcher's side of the notebook contract ("Registration"): one use of the notebook's one-time
 * token, either to register the server's address (then the gateway checks that it answers before
 * READY) or to report that the server could not start.
 */
@Injectable()
export class NotebookRegistrationService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly engines: EngineRegistry,
    private readonly repo: NotebooksRepository,
    private readonly state: NotebookStateService,
    private readonly updates: NotebookUpdatesPubSub,
    @InjectPinoLogger(NotebookRegistrationService.name) private readonly log: PinoLogger,
  ) {}

  /** The notebook the token belongs to, not yet used and not being stopped; the same refusal for every other case. */
  private async holder(id: number, token: string | null): Promise<{ nb: NotebookRow; hash: string }> {
    const nb = Number.isSafeInteger(id) && token ? await this.repo.findById(id) : null;
    const hash = token ? hashToken(token) : '';
    if (!nb || !nb.tokenHash || !secretsEqual(nb.tokenHash, hash) || nb.stopRequested || (nb.state !== 'PENDING' && nb.state !== 'STARTING')) throw refused();
    return { nb, hash };
  }

  /**
   * The token is spent only by a server that runs: while the job is queued, held or ended nothing is
   * consumed (a launcher that got here before the gateway saw its job start retries on 409).
   */
  private whileRunning(nb: NotebookRow): void {
    const job = nb.job;
    if (job.state === 'RUNNING') return;
    const ended = job.endTime !== null || !['PENDING', 'HELD', 'SUSPENDED'].includes(job.state);
    throw new DomainError(
      ErrorCode.CONFLICT,
      ended
        ? `notebook ${nb.id}: job ${job.id} has ended (${job.state}); a server can no longer register`
        : `notebook ${nb.id}: job ${job.id} is ${job.state}, not RUNNING; a server registers only while its job runs (retry once it runs)`,
      { jobState: job.state },
    );
  }

  /** The request must come from the job's node: its node list resolved, the local engine's machine, or the engine's own report (pod IPs). */
  private async fromJobNode(nb: NotebookRow, source: string | null): Promise<{ addresses: Set<string>; source: string }> {
    const job = nb.job;
    const site = this.config.engines.find((e) => e.name === job.engine);
    const engine = this.engines.get(job.engine);
    const reported = engine.nodeAddresses && job.engineRef ? await engine.nodeAddresses(job.engineRef, job.id) : [];
    const addresses = await jobNodeAddresses(job, site?.kind === 'local', reported);
    const from = source ? normalizeAddress(source) : '';
    if (!from || !addresses.has(from)) {
      throw forbidden(`notebook ${nb.id}: a registration must come from the node job ${job.id} runs on (${job.nodeList ?? 'not known yet'}); this one came from ${from || 'an unknown address'}`, {
        field: 'host',
      });
    }
    return { addresses, source: from };
  }

  /**
   * The address the hub's proxy will be sent to: the job's node, as one of its node-list names or one of
   * its addresses; a name resolving to the request's source address is stored as that address, so that it
   * cannot be re-pointed later through DNS.
   */
  private async nodeHost(nb: NotebookRow, host: string, node: { addresses: Set<string>; source: string }): Promise<string> {
    const names = nodeNames(nb.job.nodeList).map((n) => n.toLowerCase());
    if (!isIP(host) && names.includes(host.toLowerCase())) return host;
    if (isIP(host) && node.addresses.has(normalizeAddress(host))) return normalizeAddress(host);
    if (!isIP(host) && (await resolveHost(host)).includes(node.source)) return node.source;
    throw forbidden(`notebook ${nb.id}: host ${host} is not the node job ${nb.job.id} runs on (${nb.job.nodeList ?? 'not known yet'}); register the node's own name or address`, {
      field: 'host',
      value: host,
    });
  }

  private port(value: unknown): number {
    const [low, high] = this.config.notebooks.portRange;
    const ports = this.config.notebooks.ports?.split('-').map(Number) ?? null;
    const ok = typeof value === 'number' && Number.isInteger(value) && value >= low && value <= high && (!ports || (value >= ports[0] && value <= ports[1]));
    if (ok) return value;
    const allowed = ports ? `${ports[0]}-${ports[1]}` : `${low}-${high}`;
    throw badInput(`port ${JSON.stringify(value ?? null)} is not allowed: a notebook server registers a port in ${allowed} (notebooks.${ports ? 'ports' : 'portRange'})`, { field: 'port', allowed });
  }

  async register(id: number, token: string | null, body: unknown, source: string | null = null): Promise<{ state: 'STARTING' }> {
    const { nb, hash } = await this.holder(id, token);
    this.whileRunning(nb);
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.host !== 'string' || !HOST.test(b.host)) throw badInput('host must be the host name or IP address the server listens on', { field: 'host' });
    const port = this.port(b.port);
    const host = await this.nodeHost(nb, b.host, await this.fromJobNode(nb, source));
    const now = new Date();
    const event = nb.state === 'PENDING' ? { fromState: nb.state, toState: 'STARTING' as const, reason: `server registered at ${notebookUrl(host, port)}`, actor: `notebook:${id}` } : undefined;
    const ok = await this.repo.apply({
      id,
      from: [nb.state],
      tokenHash: hash,
      notStopping: true,
      data: { state: 'STARTING', reason: null, host, port, tokenHash: null, registeredAt: now, ...(nb.startedAt ? {} : { startedAt: now }) },
      event,
    });
    if (!ok) throw refused();
    this.log.info({ notebookId: id, jobId: nb.jobId, host, port }, 'notebook server registered');
    await this.updates.publish({ notebookId: id, userId: nb.userId });
    void this.awaitReady({ ...nb, state: 'STARTING', host, port }).catch((e: Error) => this.log.error({ notebookId: id, err: e.message }, 'readiness check failed'));
    return { state: 'STARTING' };
  }

  async failed(id: number, token: string | null, body: unknown, source: string | null = null): Promise<{ state: 'FAILED' }> {
    const { nb, hash } = await this.holder(id, token);
    this.whileRunning(nb);
    await this.fromJobNode(nb, source);
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.reason !== 'string' || b.reason.trim() === '') throw badInput('reason must be a non-empty string: why the server could not start', { field: 'reason' });
    const reason = b.reason.trim().slice(-MAX_REASON);
    const ok = await this.repo.apply({
      id,
      from: [nb.state],
      tokenHash: hash,
      data: { state: 'FAILED', reason, tokenHash: null, endedAt: new Date() },
      event: { fromState: nb.state, toState: 'FAILED', reason, actor: `notebook:${id}` },
    });
    if (!ok) throw refused();
    this.log.info({ notebookId: id, jobId: nb.jobId, reason }, 'notebook server could not start');
    await this.updates.publish({ notebookId: id, userId: nb.userId });
    return { state: 'FAILED' };
  }

  /** READY once the gateway itself gets HTTP 200 from the server; FAILED (job cancelled) if it never does. */
  private async awaitReady(nb: NotebookRow & { host: string; port: number }): Promise<void> {
    const problem = await probeServer(nb.host, nb.port, nb.prefix);
    if (problem) {
      await this.state.fail(nb, `the server registered at ${notebookUrl(nb.host, nb.port)} but did not answer: ${problem}`, 'system:notebook-probe');
      return;
    }
    const ok = await this.repo.apply({
      id: nb.id,
      from: ['STARTING'],
      notStopping: true,
      data: { state: 'READY', readyAt: new Date() },
      event: { fromState: 'STARTING', toState: 'READY', reason: `server answered at ${notebookUrl(nb.host, nb.port)}${nb.prefix}api`, actor: 'system:notebook-probe' },
    });
    if (!ok) return;
    this.log.info({ notebookId: nb.id, jobId: nb.jobId, url: notebookUrl(nb.host, nb.port) }, 'notebook ready');
    await this.updates.publish({ notebookId: nb.id, userId: nb.userId });
  }
}
