-- What each engine last reported about its partitions (nodes, CPUs, state), written by the worker
-- every capacity interval so that API reads (partitions, sinfo, squeue -l) never call an engine.
CREATE TABLE "engine_capacity" (
    "engine" TEXT NOT NULL,
    "partitions" JSONB NOT NULL,
    "observed_at" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "engine_capacity_pkey" PRIMARY KEY ("engine")
);
