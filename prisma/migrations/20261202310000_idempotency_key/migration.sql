-- Idempotent submissions (issue 15): a submission carries a key, the client's or one the API draws; the
-- same key of the same user again returns the job it created. Kept with the job (at least as long as
-- the 24 h a retrying client needs). NULL for jobs submitted before this migration: never matched.

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN "idempotency_key" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "jobs_user_idempotency_key" ON "jobs"("user_id", "idempotency_key");
