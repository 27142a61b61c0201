-- Security (issue 13): service accounts an administrator marks (only they may act for others), and a
-- random nonce per job carried in the engine tag, so reconciliation never adopts a stranger's job.

-- AlterTable
ALTER TABLE "users" ADD COLUMN "service_account" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN "submit_nonce" TEXT NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '');
