import { z } from 'zod';

/**
 * How a job named with several partitions, or with a partition group, finds its engine (issue 17):
 * - `earliest-start`: the partition where the gateway expects it to start first (Slurm's rule for `-p a,b`);
 * - `in-order`: the first partition with room for it now, else the first of the list (fills one engine before the next);
 * - `least-loaded`: the partition with the largest share of its CPUs free.
 */
export const ROUTE_RULES = ['earliest-start', 'in-order', 'least-loaded'] as const;
export type RouteRule = (typeof ROUTE_RULES)[number];

const partitionName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, ".", "-" and "_" (1-64)');

export const partitionGroupSchema = z
  .object({
    /** What users name with -p; stands for `partitions`. */
    name: partitionName,
    /** The partitions the router chooses among, in order of preference. */
    partitions: z.array(partitionName).min(1),
    choose: z.enum(ROUTE_RULES).default('earliest-start'),
    /** Partitions a job of the group moves to only when every one of `partitions` refused it or stayed unreachable. */
    fallback: z.array(partitionName).default([]),
  })
  .strict();

export const routingSchema = z
  .object({
    /** Seconds an engine may stay unreachable for a job before the job moves to the next partition of its list. */
    moveAfterSeconds: z.number().int().min(1).max(7 * 24 * 3600).default(300),
    /**
     * Run time assumed, in start-time estimates, for a job without a time limit in a partition without one
     * (Slurm time syntax): the estimate of the jobs behind it is only as good as this guess, and says so.
     */
    assumedRuntime: z.string().default('1:00:00'),
    groups: z.array(partitionGroupSchema).default([]),
  })
  .strict();

export type RoutingConfig = z.output<typeof routingSchema>;
export type PartitionGroup = z.output<typeof partitionGroupSchema>;
