import pino, { type Logger } from 'pino';

/**
 * One JSON line per event on stdout. Request logs carry requestId and client; paths are logged
 * without their query string and the Authorization header is never logged, so tokens stay out.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'hpcg-proxy', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['authorization', 'headers.authorization', 'token', '*.token'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
