import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { CancelProcessor, SubmitProcessor, SweepProcessor, SyncProcessor } from './processors';
import { SweeperService } from './sweeper.service';
import { WorkerSchedulerService } from './worker-scheduler.service';

@Module({
  imports: [JobsModule],
  providers: [SubmitProcessor, CancelProcessor, SyncProcessor, SweepProcessor, SweeperService, WorkerSchedulerService],
})
export class WorkerModule {}
