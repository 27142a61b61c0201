import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { UserAccessEvents } from '../users/user-access-events';
import { UsersRepository } from '../users/users.repository';
import type { Principal } from './principal';
import { TokensRepository } from './tokens.repository';

/** A long-lived authenticated connection (a graphql-ws socket). */
export interface Closable {
  close(code: number, reason: string): void;
}

/** graphql-ws's close code for a refused connection; its clients do not reconnect on it. */
export const CLOSE_FORBIDDEN = 4403;
/** The longest a live connection outlives its token or user, whatever else happens (events are faster). */
const CHECK_EVERY_MS = 1000;

/**
 * Live connections follow their credentials: a revoked or expired token, or a user disabled or
 * removed from the directory, closes every connection that used them, on every API replica. Each
 * process checks its own connections when any process announces a revocation, and every second
 * anyway (two batched queries for all connections), so a lost event costs at most a second.
 */
@Injectable()
export class LiveSessions implements OnModuleInit, OnModuleDestroy {
  private readonly sessions = new Map<Closable, Principal>();
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly tokens: TokensRepository,
    private readonly users: UsersRepository,
    private readonly access: UserAccessEvents,
    @InjectPinoLogger(LiveSessions.name) private readonly log: PinoLogger,
  ) {}

  onModuleInit(): void {
    this.access.onRevoked(() => void this.check());
  }

  add(connection: Closable, principal: Principal): void {
    this.sessions.set(connection, principal);
    this.timer ??= setInterval(() => void this.check(), CHECK_EVERY_MS).unref();
  }

  remove(connection: Closable): void {
    this.sessions.delete(connection);
    if (this.sessions.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** One check at a time; a request during one is served by it. */
  check(): Promise<void> {
    this.checking ??= this.closeInvalid()
      .catch((err: unknown) => this.log.warn({ err }, 'could not check live connections (retried next second)'))
      .finally(() => (this.checking = null));
    return this.checking;
  }

  private async closeInvalid(): Promise<void> {
    if (this.sessions.size === 0) return;
    const live = [...this.sessions];
    const tokenIds = [...new Set(live.flatMap(([, p]) => (p.tokenId === null ? [] : [p.tokenId])))];
    const [valid, disabled] = await Promise.all([this.tokens.stillValid(tokenIds, new Date()), this.users.notEnabled([...new Set(live.map(([, p]) => p.userId))])]);
    for (const [connection, p] of live) {
      const why = p.tokenId !== null && !valid.has(p.tokenId) ? 'token revoked or expired' : disabled.has(p.userId) ? `user ${p.username} is disabled or no longer in the directory` : null;
      if (!why) continue;
      this.remove(connection);
      this.log.info({ username: p.username, tokenId: p.tokenId, actingService: p.actingService, why }, 'closing live connection');
      connection.close(CLOSE_FORBIDDEN, `Forbidden: ${why}`.slice(0, 120));
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
