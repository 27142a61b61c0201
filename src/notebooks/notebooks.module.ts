import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { LimitsModule } from '../limits/limits.module';
import { PartitionsModule } from '../partitions/partitions.module';
import { NotebookStateService } from './notebook-state.service';
import { NotebookUpdatesPubSub } from './notebook-updates.pubsub';
import { NotebookWatcherService } from './notebook-watcher.service';
import { NotebooksRepository } from './notebooks.repository';
import { NotebooksService } from './notebooks.service';

/** What the API and the worker share: notebooks, their states and their change notifications. */
@Module({
  imports: [JobsModule, PartitionsModule, LimitsModule],
  providers: [NotebooksRepository, NotebooksService, NotebookStateService, NotebookUpdatesPubSub],
  exports: [NotebooksRepository, NotebooksService, NotebookStateService, NotebookUpdatesPubSub],
})
export class NotebooksModule {}

/** The worker's side: notebook states follow their jobs; the start-timeout watchdog. */
@Module({
  imports: [NotebooksModule],
  providers: [NotebookWatcherService],
})
export class NotebooksWorkerModule {}
