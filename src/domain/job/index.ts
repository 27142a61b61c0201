/** The job vocabulary everything shares (DESIGN.md §1): depends on nothing of the gateway. */
export * from './job-spec';
export * from './job-state';
