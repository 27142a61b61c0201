import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { logFailure } from '../common/log-failure';
import { JobUpdatesPubSub } from '../jobs/job-updates.pubsub';

export interface NotebookUpdatedMessage {
  notebookId: number;
  userId: number;
}

export type ChangeMessage = { notebookId?: number; jobId?: number; userId: number };

/** Messages in arrival order; null once closed. */
export interface ChangeStream {
  next(): Promise<ChangeMessage | null>;
  /** Drops the messages already queued: a listener about to re-read the state has them covered. */
  skipQueued(): void;
  close(): void;
}

const MAX_BACKLOG = 1000;

/**
 * Notebook changes over the same Redis pub/sub connections as job updates (a channel of their own),
 * so a progress subscriber on any replica hears a change made by the worker or another replica.
 */
@Injectable()
export class NotebookUpdatesPubSub {
  readonly channel: string;

  constructor(
    readonly jobs: JobUpdatesPubSub,
    @InjectPinoLogger(NotebookUpdatesPubSub.name) private readonly log: PinoLogger,
  ) {
    this.channel = jobs.channel.replace(/jobUpdated$/, 'notebookUpdated');
  }

  async publish(message: NotebookUpdatedMessage): Promise<void> {
    // A lost notification only delays a subscriber's view; it must never fail the change itself.
    await this.jobs.pubsub.publish(this.channel, message).catch(logFailure(this.log, 'could not publish a notebook update', { channel: this.channel, ...message }));
  }

  /**
   * Notebook and job changes in one stream (a pending notebook's queue position moves with other
   * jobs), subscribed when this resolves: a state read afterwards misses no change. Listeners re-read
   * the state on a message, so a backlog beyond MAX_BACKLOG loses nothing that matters.
   */
  async listen(): Promise<ChangeStream> {
    const backlog: ChangeMessage[] = [];
    const waiting: ((m: ChangeMessage | null) => void)[] = [];
    let closed = false;
    const push = (m: ChangeMessage) => {
      const w = waiting.shift();
      if (w) w(m);
      else if (backlog.length < MAX_BACKLOG) backlog.push(m);
    };
    const ids = await Promise.all([this.channel, this.jobs.channel].map((c) => this.jobs.pubsub.subscribe(c, push)));
    return {
      next: () => (closed ? Promise.resolve(null) : backlog.length ? Promise.resolve(backlog.shift()!) : new Promise((r) => waiting.push(r))),
      skipQueued: () => void backlog.splice(0),
      close: () => {
        if (closed) return;
        closed = true;
        for (const id of ids) this.jobs.pubsub.unsubscribe(id);
        for (const w of waiting.splice(0)) w(null);
      },
    };
  }

  /** Calls `listener` for every job change (the worker derives notebook states from them). */
  onJobUpdated(listener: (message: { jobId: number; userId: number }) => void): Promise<number> {
    return this.jobs.pubsub.subscribe(this.jobs.channel, listener);
  }
}
