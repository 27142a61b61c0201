import { Module } from '@nestjs/common';
import { PartitionsModule } from '../partitions/partitions.module';
import { LimitsModule } from '../limits/limits.module';
import { UsersModule } from '../users/users.module';
import { JobDispatchService } from './job-dispatch.service';
import { JobGateService } from './job-gate.service';
import { JobLifecycle } from './job-lifecycle';
import { JobMetrics } from './job-metrics';
import { JobSubmissionService } from './job-submission.service';
import { JobSyncService } from './job-sync.service';
import { JobUpdatesPubSub } from './job-updates.pubsub';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';
import { SubmissionBatcher } from './submission-batcher';

@Module({
  imports: [UsersModule, PartitionsModule, LimitsModule],
  providers: [JobsRepository, JobLifecycle, JobsService, JobSubmissionService, JobUpdatesPubSub, JobMetrics, JobDispatchService, JobSyncService, JobGateService, SubmissionBatcher],
  exports: [JobsRepository, JobsService, JobSubmissionService, JobDispatchService, JobSyncService, JobGateService, JobUpdatesPubSub],
})
export class JobsModule {}
