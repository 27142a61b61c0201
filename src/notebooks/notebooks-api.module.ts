import { Module } from '@nestjs/common';
import { EnginesModule } from '../engines/engines.module';
import { JobsModule } from '../jobs/jobs.module';
import { NotebookRegistrationController } from './notebook-registration.controller';
import { NotebookRegistrationService } from './notebook-registration.service';
import { NotebooksModule } from './notebooks.module';
import { NotebooksResolver } from './notebooks.resolver';

/** The API's side: GraphQL and the launcher's registration routes (the worker never loads GraphQL). */
@Module({
  imports: [NotebooksModule, JobsModule, EnginesModule],
  providers: [NotebooksResolver, NotebookRegistrationService],
  controllers: [NotebookRegistrationController],
})
export class NotebooksApiModule {}
