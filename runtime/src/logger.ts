import { type Logger, type LoggerOptions, pino } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Paths removed from every log line: secrets and personal data never reach the logs
 * (design, guarantee 7), whichever object they ride on.
 */
export const redactedPaths = [
  'password',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'cookie',
  'email',
  'firstName',
  'lastName',
  'memo',
  'reason',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.authorization',
  '*.cookie',
  '*.email',
  '*.firstName',
  '*.lastName',
  '*.memo',
  '*.reason',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'connectionParams.authorization',
  'input.password',
  'input.email',
  'payload.email',
  'payload.firstName',
  'payload.lastName',
  'payload.memo',
  'payload.reason',
  'variables.input.password',
  'variables.input.email',
  'variables.password',
  'variables.refreshToken',
  'databaseUrl',
  'DATABASE_URL',
];

export interface LoggerSettings {
  service: string;
  level?: string;
  /** `pretty` for people (pnpm dev), `json` for machines; default: pretty in development. */
  format?: 'json' | 'pretty' | undefined;
  nodeEnv?: string;
  /** Where JSON lines go; default stdout. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    name: settings.service,
    level: settings.level ?? 'info',
    redact: { paths: redactedPaths, censor: '[redacted]' },
    base: { service: settings.service },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const format = settings.format ?? (settings.nodeEnv === 'production' ? 'json' : 'pretty');
  if (format === 'pretty') {
    return pino(
      options,
      pretty({
        colorize: process.stdout.isTTY || process.env.FORCE_COLOR === '1',
        ignore: 'pid,hostname,service,name',
        sync: true,
      }),
    );
  }
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

/** A service's logger from its parsed common settings (LOG_LEVEL, LOG_FORMAT, NODE_ENV). */
export function serviceLogger(
  service: string,
  config: { LOG_LEVEL: string; LOG_FORMAT?: 'json' | 'pretty' | undefined; NODE_ENV: string },
): Logger {
  return createLogger({
    service,
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    nodeEnv: config.NODE_ENV,
  });
}
