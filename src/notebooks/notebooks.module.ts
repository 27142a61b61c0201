import { EnginesModule } from '../engines/engines.module';
import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { LimitsModule } from '../limits/limits.module';
import { PartitionsModule } from '../partitions/partitions.module';
import { NotebookRegistrationController } from './notebook-registration.controller';
import { NotebookRegistrationService } from './notebook-registration.service';
import { NotebookStateService } from './notebook-state.service';
import { NotebookUpdatesPubSub } from './notebook-updates.pubsub';
import { NotebookWatcherService } from './notebook-watcher.service';
import { NotebooksRepository } from './notebooks.repository';
import { NotebooksResolver } from './notebooks.resolver';
import { NotebooksService } from './notebooks.service';

/** What the API and the worker share: notebooks, their states and their change notifications. */
@Module({
  imports: [JobsModule, PartitionsModule, LimitsModule],
  providers: [NotebooksRepository, NotebooksService, NotebookStateService, NotebookUpdatesPubSub],
  exports: [NotebooksRepository, NotebooksService, NotebookStateService, NotebookUpdatesPubSub],
})
export class NotebooksModule {}

/** The API's side: GraphQL and the launcher's registration routes. */
@Module({
  imports: [NotebooksModule, JobsModule, EnginesModule],
  providers: [NotebooksResolver, NotebookRegistrationService],
  controllers: [NotebookRegistrationController],
})
export class NotebooksApiModule {}

/** The worker's side: notebook states follow their jobs; the start-timeout watchdog. */
@Module({
  imports: [NotebooksModule],
  providers: [NotebookWatcherService],
})
export class NotebooksWorkerModule {}
