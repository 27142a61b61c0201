-- One name for engines (issue 14): the job's id on its engine is `engine_ref`, and a job waiting for an
-- unreachable engine shows the reason `EngineUnavailable`. Renames only; no data changes meaning.

-- AlterTable
ALTER TABLE "jobs" RENAME COLUMN "backend_ref" TO "engine_ref";

-- Stored reasons keep reading the same to clients after the upgrade.
UPDATE "jobs" SET "reason" = 'EngineUnavailable' WHERE "reason" = 'BackendUnavailable';
UPDATE "array_tasks" SET "reason" = 'EngineUnavailable' WHERE "reason" = 'BackendUnavailable';
UPDATE "job_events" SET "reason" = 'EngineUnavailable' WHERE "reason" = 'BackendUnavailable';
UPDATE "notebooks" SET "reason" = 'EngineUnavailable' WHERE "reason" = 'BackendUnavailable';
