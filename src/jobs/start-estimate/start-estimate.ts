/** Where an estimated start comes from (kept free of GraphQL: the worker loads the estimates too). */
export enum StartEstimateSource {
  /** The engine's own estimate (Slurm's backfill scheduler, as `squeue --start` shows it). */
  ENGINE = 'ENGINE',
  /** The gateway's model of the partition's queue: running jobs end at their time limits, the queue is served in order. */
  GATEWAY = 'GATEWAY',
}

export interface StartEstimate {
  time: Date | null;
  source: StartEstimateSource;
  /** What the estimate rests on, in words. */
  basis: string;
}
