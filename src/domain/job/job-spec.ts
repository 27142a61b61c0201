import type { z } from 'zod';
import type { jobSpecInputObject } from './job-spec.schema';
import type {
  arraySpecSchema,
  dependencyItemSchema,
  dependencySpecSchema,
  exportSpecSchema,
  getUserEnvSpecSchema,
  gpuRequestSchema,
  licenseRequestSchema,
  nodeRangeSchema,
  signalSpecSchema,
} from './job-spec-parts.schema';

/**
 * JobSpec: the canonical, engine-neutral job (DESIGN.md §2). Parsed once from sbatch syntax; everything
 * downstream (authorization, routing, every engine's translation) reads this and never the raw text.
 * Its JSON form is a public contract (`hpcg sbatch --test-only --json`): add fields, never rename.
 * The types are the schema's (job-spec.schema.ts), which also documents each field.
 */
export type JobSpec = z.output<ReturnType<typeof jobSpecInputObject>>;

/** `submitJob`'s input: a JobSpec whose fields may be left out (they get sbatch's defaults), except `script`. */
export type JobSpecInput = z.input<ReturnType<typeof jobSpecInputObject>>;

export type NodeRange = z.output<typeof nodeRangeSchema>;
export type GpuRequest = z.output<typeof gpuRequestSchema>;
export type GpuPer = GpuRequest['per'];
export type ArraySpec = z.output<ReturnType<typeof arraySpecSchema>>;
export type DependencyItem = z.output<typeof dependencyItemSchema>;
export type DependencyType = DependencyItem['type'];
export type DependencySpec = z.output<typeof dependencySpecSchema>;
export type ExportSpec = z.output<typeof exportSpecSchema>;
export type ExportMode = ExportSpec['mode'];
export type OpenMode = NonNullable<JobSpec['openMode']>;
export type SignalSpec = z.output<typeof signalSpecSchema>;
export type LicenseRequest = z.output<typeof licenseRequestSchema>;
export type GetUserEnvSpec = z.output<typeof getUserEnvSpecSchema>;
export type MailType = JobSpec['mailType'][number];
export type PropagateName = NonNullable<JobSpec['propagate']>[number];
