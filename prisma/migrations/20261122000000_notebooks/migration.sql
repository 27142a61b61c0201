-- Notebooks (issue 8): a single-user Jupyter server running as a job, with its own states and events.

-- CreateEnum
CREATE TYPE "NotebookState" AS ENUM ('PENDING', 'STARTING', 'READY', 'STOPPED', 'FAILED');

-- CreateTable
CREATE TABLE "notebooks" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "job_id" INTEGER NOT NULL,
    "server_name" TEXT NOT NULL,
    "profile" TEXT NOT NULL,
    "options" JSONB NOT NULL,
    "state" "NotebookState" NOT NULL DEFAULT 'PENDING',
    "reason" TEXT,
    "prefix" TEXT NOT NULL DEFAULT '/',
    "host" TEXT,
    "port" INTEGER,
    "token_hash" TEXT,
    "stop_requested" BOOLEAN NOT NULL DEFAULT false,
    "stop_actor" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "registered_at" TIMESTAMP(3),
    "ready_at" TIMESTAMP(3),
    "ended_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "notebooks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notebook_events" (
    "id" BIGSERIAL NOT NULL,
    "notebook_id" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "from_state" "NotebookState",
    "to_state" "NotebookState" NOT NULL,
    "reason" TEXT,
    "actor" TEXT NOT NULL,

    CONSTRAINT "notebook_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "notebooks_job_id_key" ON "notebooks"("job_id");

-- CreateIndex
CREATE INDEX "notebooks_user_id_state_idx" ON "notebooks"("user_id", "state");

-- CreateIndex
CREATE INDEX "notebooks_state_idx" ON "notebooks"("state");

-- CreateIndex
CREATE INDEX "notebook_events_notebook_id_at_idx" ON "notebook_events"("notebook_id", "at");

-- One live notebook per user and server name (Prisma's schema cannot express a partial index).
CREATE UNIQUE INDEX "notebooks_live_server_name_key" ON "notebooks"("user_id", "server_name") WHERE "state" IN ('PENDING', 'STARTING', 'READY');

-- Queue position: pending jobs of one partition, in id order.
CREATE INDEX "jobs_partition_state_id_idx" ON "jobs"("partition", "state", "id");

-- AddForeignKey
ALTER TABLE "notebooks" ADD CONSTRAINT "notebooks_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notebooks" ADD CONSTRAINT "notebooks_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notebook_events" ADD CONSTRAINT "notebook_events_notebook_id_fkey" FOREIGN KEY ("notebook_id") REFERENCES "notebooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
