-- One job, several engines (issue 17). A job submitted to a partition list or a partition group keeps its
-- candidates (`route`: partitions in order, how many the router may choose among, the choice rule); the
-- router picks one at the first dispatch (`placed_at`), and a job whose engine refuses it or stays
-- unreachable (`unavailable_since`) moves on down the list. Engines it left are kept until asked whether a
-- copy of it reached them (`left_engines`), so it never runs twice. `est_start_*`: the engine's own
-- estimate of when a pending job starts (Slurm's backfill), as the last status pass saw it.

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN "route" JSONB,
ADD COLUMN "placed_at" TIMESTAMP(3),
ADD COLUMN "unavailable_since" TIMESTAMP(3),
ADD COLUMN "left_engines" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "est_start_time" TIMESTAMP(3);

-- A job of one partition is placed when it is stored; so were all jobs before this migration.
UPDATE "jobs" SET "placed_at" = "submit_time";
