-- An array task's own id on its engine (Slurm's JobIDRaw, `%j` in its output file name), stored by the
-- sync when it sees the task started, so reading the task's output never asks the engine for it.

-- AlterTable
ALTER TABLE "array_tasks" ADD COLUMN "engine_id" TEXT;
