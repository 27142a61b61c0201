/** Injection token of the process's one Prometheus registry. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
