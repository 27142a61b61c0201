import { isNotebookFinal } from './notebook-state';
import type { NotebookModel } from './models/notebook.model';
import type { ChangeMessage, ChangeStream } from './notebook-updates.pubsub';

/**
 * `notebookProgress`: the current state first, then every change of the notebook. A pending
 * notebook's queue position moves when other jobs change, so any job change re-reads it, and only
 * what differs from the last event is sent. Ends after a final state (nothing changes after it).
 */
export class NotebookProgressIterator implements AsyncIterableIterator<NotebookModel> {
  private last: NotebookModel | null = null;
  private done = false;

  constructor(
    private readonly first: NotebookModel,
    private readonly messages: ChangeStream,
    private readonly load: () => Promise<NotebookModel | null>,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  private relevant(m: ChangeMessage): boolean {
    const current = this.last ?? this.first;
    if (m.notebookId !== undefined) return m.notebookId === current.id;
    return m.jobId === current.jobId || current.state === 'PENDING';
  }

  async next(): Promise<IteratorResult<NotebookModel>> {
    if (this.done) return { done: true, value: undefined };
    if (!this.last) return this.emit(this.first);
    if (isNotebookFinal(this.last.state)) return this.return();
    for (;;) {
      const m = await this.messages.next();
      if (!m || this.done) return this.return();
      if (!this.relevant(m)) continue;
      // One re-read covers every change already queued: a burst of job changes costs one load, not one each.
      this.messages.skipQueued();
      const view = await this.load();
      if (!view) return this.return();
      if (JSON.stringify(view) !== JSON.stringify(this.last)) return this.emit(view);
    }
  }

  private emit(view: NotebookModel): IteratorResult<NotebookModel> {
    this.last = view;
    return { done: false, value: view };
  }

  async return(): Promise<IteratorResult<NotebookModel>> {
    if (!this.done) {
      this.done = true;
      this.messages.close();
    }
    return { done: true, value: undefined };
  }

  async throw(e: unknown): Promise<IteratorResult<NotebookModel>> {
    await this.return();
    throw e;
  }
}
