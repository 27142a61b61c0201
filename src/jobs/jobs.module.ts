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
import { JobRouter } from './job-router.service';
import { PartitionQueuesService } from './start-estimate/partition-queues.service';
import { StartEstimateService } from './start-estimate/start-estimate.service';

@Module({
  imports: [UsersModule, PartitionsModule, LimitsModule],
  providers: [JobsRepository, JobLifecycle, JobsService, JobSubmissionService, JobUpdatesPubSub, JobMetrics, JobDispatchService, JobSyncService, JobGateService, SubmissionBatcher, JobRouter, PartitionQueuesService, StartEstimateService],
  exports: [JobsRepository, JobsService, JobSubmissionService, JobDispatchService, JobSyncService, JobGateService, JobUpdatesPubSub, StartEstimateService],
})
export class JobsModule {}
