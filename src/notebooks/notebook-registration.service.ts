import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DomainError, ErrorCode, badInput } from '../common/domain-error';
import { hashToken, secretsEqual } from '../auth/token-hash';
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

  async register(id: number, token: string | null, body: unknown): Promise<{ state: 'STARTING' }> {
    const { nb, hash } = await this.holder(id, token);
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.host !== 'string' || !HOST.test(b.host)) throw badInput('host must be the host name or IP address the server listens on', { field: 'host' });
    if (typeof b.port !== 'number' || !Number.isInteger(b.port) || b.port < 1 || b.port > 65535) throw badInput('port must be a whole number from 1 to 65535', { field: 'port' });
    const host = b.host;
    const port = b.port;
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

  async failed(id: number, token: string | null, body: unknown): Promise<{ state: 'FAILED' }> {
    const { nb, hash } = await this.holder(id, token);
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
