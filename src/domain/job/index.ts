/** The job vocabulary everything shares (DESIGN.md §1): depends on nothing of the gateway. */
export * from './job-spec';
export * from './job-spec-limits';
export * from './job-spec-values';
export * from './job-spec-validation';
export * from './cross-field-rules';
export * from './signal-names';
export * from './job-state';
export * from './image-reference';
