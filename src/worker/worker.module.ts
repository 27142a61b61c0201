import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { DirectorySyncService } from '../directory/directory-sync.service';
import { JobsModule } from '../jobs/jobs.module';
import { NotebooksModule, NotebooksWorkerModule } from '../notebooks/notebooks.module';
import { EngineCapacityWorkerModule } from '../partitions/partitions.module';
import { UsersModule } from '../users/users.module';
import { CancelProcessor, DirectorySyncProcessor, SubmitProcessor, SweepProcessor, SyncProcessor } from './processors';
import { SweeperService } from './sweeper.service';
import { WorkerSchedulerService } from './worker-scheduler.service';

@Module({
  imports: [JobsModule, DirectoryModule, UsersModule, NotebooksModule, NotebooksWorkerModule, EngineCapacityWorkerModule],
  providers: [SubmitProcessor, CancelProcessor, SyncProcessor, SweepProcessor, DirectorySyncProcessor, DirectorySyncService, SweeperService, WorkerSchedulerService],
})
export class WorkerModule {}
