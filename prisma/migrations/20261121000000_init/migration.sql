-- CreateEnum
CREATE TYPE "JobState" AS ENUM ('PENDING', 'HELD', 'RUNNING', 'SUSPENDED', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL');

-- CreateEnum
CREATE TYPE "SubmitStatus" AS ENUM ('WAITING', 'READY', 'SUBMITTED', 'NONE');

-- Job ids are integers shared by jobs and array tasks, like Slurm's.
CREATE SEQUENCE "job_id_seq";

-- CreateTable
CREATE TABLE "users" (
    "id" SERIAL NOT NULL,
    "username" TEXT NOT NULL,
    "uid" INTEGER,
    "gid" INTEGER,
    "home" TEXT,
    "groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "admin" BOOLEAN NOT NULL DEFAULT false,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),
    "last_used_at" TIMESTAMP(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "jobs" (
    "id" INTEGER NOT NULL DEFAULT nextval('job_id_seq'),
    "user_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "partition" TEXT NOT NULL,
    "engine" TEXT NOT NULL,
    "state" "JobState" NOT NULL DEFAULT 'PENDING',
    "reason" TEXT,
    "submit_status" "SubmitStatus" NOT NULL DEFAULT 'READY',
    "backend_ref" TEXT,
    "submit_attempts" INTEGER NOT NULL DEFAULT 0,
    "spec" JSONB NOT NULL,
    "workdir" TEXT NOT NULL,
    "submit_dir" TEXT NOT NULL,
    "submit_host" TEXT NOT NULL,
    "account" TEXT,
    "time_limit_minutes" INTEGER,
    "nodes" INTEGER NOT NULL DEFAULT 1,
    "cpus" INTEGER NOT NULL DEFAULT 1,
    "node_list" TEXT,
    "exit_code" INTEGER,
    "signal" INTEGER,
    "submit_time" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "eligible_time" TIMESTAMP(3),
    "start_time" TIMESTAMP(3),
    "end_time" TIMESTAMP(3),
    "cancel_requested_at" TIMESTAMP(3),
    "cancelled_by" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "array_tasks" (
    "id" SERIAL NOT NULL,
    "job_id" INTEGER NOT NULL,
    "task_index" INTEGER NOT NULL,
    "raw_id" INTEGER NOT NULL,
    "state" "JobState" NOT NULL DEFAULT 'PENDING',
    "reason" TEXT,
    "exit_code" INTEGER,
    "signal" INTEGER,
    "start_time" TIMESTAMP(3),
    "end_time" TIMESTAMP(3),
    "node_list" TEXT,
    "cancel_requested_at" TIMESTAMP(3),

    CONSTRAINT "array_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_events" (
    "id" BIGSERIAL NOT NULL,
    "job_id" INTEGER NOT NULL,
    "array_index" INTEGER,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "from_state" "JobState",
    "to_state" "JobState" NOT NULL,
    "reason" TEXT,
    "actor" TEXT NOT NULL,

    CONSTRAINT "job_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key" ON "users"("username");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_user_id_idx" ON "api_tokens"("user_id");

-- CreateIndex
CREATE INDEX "jobs_state_idx" ON "jobs"("state");

-- CreateIndex
CREATE INDEX "jobs_user_id_state_idx" ON "jobs"("user_id", "state");

-- CreateIndex
CREATE INDEX "jobs_submit_status_idx" ON "jobs"("submit_status");

-- CreateIndex
CREATE INDEX "jobs_engine_state_idx" ON "jobs"("engine", "state");

-- CreateIndex
CREATE INDEX "jobs_name_user_id_idx" ON "jobs"("name", "user_id");

-- CreateIndex
CREATE INDEX "jobs_cancel_requested_at_idx" ON "jobs"("cancel_requested_at");

-- CreateIndex
CREATE UNIQUE INDEX "array_tasks_raw_id_key" ON "array_tasks"("raw_id");

-- CreateIndex
CREATE UNIQUE INDEX "array_tasks_job_id_task_index_key" ON "array_tasks"("job_id", "task_index");

-- CreateIndex
CREATE INDEX "job_events_job_id_at_idx" ON "job_events"("job_id", "at");

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "array_tasks" ADD CONSTRAINT "array_tasks_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
