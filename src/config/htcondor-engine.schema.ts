import { z } from 'zod';
import { checkSubmitAs, runnerSchema, submitAsSchema } from './runner.schema';

/**
 * An HTCondor pool as an engine (README "HTCondor engine"): condor_submit, condor_q, condor_history and
 * condor_rm on a submit node (this host, or one reached over SSH), jobs submitted as their owner.
 */
export const htcondorEngineSchema = z
  .object({
    kind: z.literal('htcondor'),
    runner: runnerSchema.default({ kind: 'local' }),
    /** How jobs come to run as their owner (as for Slurm: sudo, runuser, ssh-user or service). */
    submitAs: submitAsSchema,
    /** Folder of HTCondor's commands on the submit node. */
    binDir: z.string().min(1).default('/usr/bin'),
    /** A schedd other than the submit node's own (`-name`); default: the local schedd. */
    schedd: z.string().min(1).optional(),
    /** Where each job's script and event log are staged, relative to the owner's home (absolute: as given, per user below it). */
    stageDir: z.string().min(1).default('.hpcg/htcondor'),
    /** `max_retries` given to jobs submitted with --requeue. */
    requeueRetries: z.number().int().min(1).max(100).default(3),
    /**
     * How far back condor_history reads (days): a job that left the queue longer ago than this is not
     * searched for (the history is read newest first and the scan stops there).
     */
    historyWindowDays: z.number().int().min(1).max(3650).default(7),
    /** Seconds any one HTCondor command may take. */
    commandTimeout: z.number().int().min(1).max(3600).default(60),
  })
  .strict()
  .superRefine(checkSubmitAs);

export type HtcondorEngineConfig = z.output<typeof htcondorEngineSchema>;
