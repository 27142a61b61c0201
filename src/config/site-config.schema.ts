import { z } from 'zod';
import { directorySchema } from '../directory/directory-config.schema';
import { notebooksSchema } from '../notebooks/notebooks-config.schema';
import { htcondorEngineSchema } from './htcondor-engine.schema';
import { kubernetesEngineSchema } from './kubernetes-engine.schema';
import { securitySchema } from './security-config.schema';
import { routingSchema } from './routing-config.schema';
import { checkSubmitAs, runnerSchema, submitAsSchema } from './runner.schema';

/**
 * The site configuration file (HPCG_CONFIG, DESIGN.md §8). Key names are a public contract.
 * The `proxy` section belongs to another process and is validated by it.
 */

const engineName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, "-" and "_", starting with a letter');

export const localEngineSchema = z
  .object({
    kind: z.literal('local'),
    /** CPU slots; default: the machine's cores. */
    slots: z.number().int().min(1).max(100_000).optional(),
    /** Seconds between SIGTERM and SIGKILL on cancel and time limit (Slurm's KillWait). */
    killWait: z.number().int().min(0).max(3600).default(30),
    stateDir: z.string().min(1).optional(),
  })
  .strict();

export const slurmEngineSchema = z
  .object({
    kind: z.literal('slurm'),
    runner: runnerSchema.default({ kind: 'local' }),
    /** How jobs come to run as their owner (see README "Slurm engine"). */
    submitAs: submitAsSchema,
    /** SLURM_CONF on the submit node; default: its own configuration. */
    slurmConf: z.string().min(1).optional(),
    /** Folder of Slurm's commands on the submit node. */
    binDir: z.string().min(1).default('/usr/bin'),
    /** Whether sacct answers (slurmdbd); without it, jobs that leave squeue cannot be resolved. */
    accounting: z.boolean().default(true),
    /** Slurm's ClusterName, checked by the health check. */
    cluster: z.string().min(1).optional(),
    /** Seconds any one Slurm command may take. */
    commandTimeout: z.number().int().min(1).max(3600).default(60),
  })
  .strict()
  .superRefine(checkSubmitAs);

export const engineSchema = z.discriminatedUnion('kind', [localEngineSchema, slurmEngineSchema, kubernetesEngineSchema, htcondorEngineSchema]);

export const partitionSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, ".", "-" and "_" (1-64)'),
    engine: engineName,
    default: z.boolean().default(false),
    /** Slurm time syntax ("1:00:00", "2-00:00:00", "UNLIMITED"). */
    maxTime: z.string().optional(),
    /** Time limit given to jobs that ask for none; default maxTime. */
    defaultTime: z.string().optional(),
    /** The engine's own name for this partition (Slurm partition, …); default: name. */
    enginePartition: z.string().optional(),
    /** Only members of these groups may submit; empty = everyone. */
    allowGroups: z.array(z.string()).default([]),
  })
  .passthrough();

const limitSchema = z
  .object({
    maxQueued: z.number().int().min(0),
    maxRunning: z.number().int().min(0),
    maxCpus: z.number().int().min(0),
    maxGpus: z.number().int().min(0),
    maxNotebooks: z.number().int().min(0),
  })
  .partial()
  .strict();

export const siteConfigSchema = z
  .object({
    cluster: z.string().regex(/^[a-z0-9_-]{1,40}$/).default('hpcg'),
    engines: z.record(engineName, engineSchema).default({ local: { kind: 'local', killWait: 30 } }),
    partitions: z
      .array(partitionSchema)
      .default([{ name: 'local', engine: 'local', default: true, allowGroups: [] }]),
    limits: z
      .object({ default: limitSchema.default({}), groups: z.record(z.string(), limitSchema).default({}) })
      .strict()
      .default({ default: {}, groups: {} }),
    /** Partition groups and moves between engines (issue 17). */
    routing: routingSchema.default(() => routingSchema.parse({})),
    directory: directorySchema.optional(),
    notebooks: notebooksSchema.default(() => notebooksSchema.parse({})),
    security: securitySchema,
    proxy: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type SiteConfigInput = z.input<typeof siteConfigSchema>;
export type SiteConfig = z.output<typeof siteConfigSchema>;
export type EngineConfig = z.output<typeof engineSchema>;
export type SlurmEngineConfig = z.output<typeof slurmEngineSchema>;
export type PartitionConfig = z.output<typeof partitionSchema>;
