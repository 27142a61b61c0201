/** Any logger with pino's `(object, message)` methods: a PinoLogger, an EngineLogger. */
type Level = 'debug' | 'info' | 'warn' | 'error';
type FailureLog<L extends Level> = Record<L, (o: object, msg?: string) => void>;

/**
 * A catch handler for a failure that must not stop what is being done but must not vanish either:
 * it logs `what` was being done, with `context` (job id, engine, user…), and resolves to undefined.
 * `level` is warn unless told: debug for best-effort cleanup whose failure changes nothing.
 */
export function logFailure<L extends Level = 'warn'>(log: FailureLog<L>, what: string, context: object = {}, level: L = 'warn' as L): (err: unknown) => undefined {
  return (err: unknown) => {
    log[level]({ ...context, err: err instanceof Error ? err.message : String(err) }, what);
    return undefined;
  };
}
