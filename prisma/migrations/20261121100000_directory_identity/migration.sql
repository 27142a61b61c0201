-- Directory identity (issue 4): the Unix identity a job runs with comes from the directory, and
-- limits on running GPUs need each job's GPU count.

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "group_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "shell" TEXT,
ADD COLUMN     "from_directory" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "synced_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "gpus" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "users_from_directory_disabled_idx" ON "users"("from_directory", "disabled");
