/** What engines log through: pino-compatible (the worker passes its pino child logger). */
export interface EngineLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}
