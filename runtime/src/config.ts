import { z } from 'zod';

/** A configuration that cannot be used; its message is one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates the environment against a zod object of variables. Unknown variables are ignored;
 * the first problem becomes one line: `SUBMITTER_PORT: expected an integer from 0 to 65535 (got "x")`.
 */
export function parseConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = issue.path.map(String).join('.') || '(environment)';
  const raw = env[variable];
  const got =
    raw === undefined
      ? 'it is not set'
      : `got ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)}`;
  throw new ConfigError(`${variable}: ${issue.message} (${got})`);
}

/** For a service's main: parse or stop the process with the one-line message. */
export function loadConfig<S extends z.ZodObject>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${service}: invalid configuration: ${error.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

/** A TCP port; 0 picks a free one (tests). */
export const portVar = (fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'expected an integer from 0 to 65535' })
      .int('expected an integer from 0 to 65535')
      .min(0, 'expected an integer from 0 to 65535')
      .max(65535, 'expected an integer from 0 to 65535')
      .default(fallback),
  );

export const positiveIntVar = (fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'expected a positive integer' })
      .int('expected a positive integer')
      .positive('expected a positive integer')
      .default(fallback),
  );

/** A duration in milliseconds. */
export const millisVar = (fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'expected a duration in milliseconds' })
      .int('expected a whole number of milliseconds')
      .min(0, 'expected a duration in milliseconds')
      .default(fallback),
  );

export const optionalStringVar = () => z.preprocess(blankToUndefined, z.string().optional());

export const nodeEnvVar = z.preprocess(
  blankToUndefined,
  z
    .enum(['development', 'production', 'test'], { error: 'expected development, production or test' })
    .default('development'),
);

export const logLevelVar = z.preprocess(
  blankToUndefined,
  z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected fatal, error, warn, info, debug, trace or silent',
    })
    .default('info'),
);

export const logFormatVar = z.preprocess(
  blankToUndefined,
  z.enum(['json', 'pretty'], { error: 'expected json or pretty' }).optional(),
);

export const postgresUrlVar = z.preprocess(
  blankToUndefined,
  z
    .string()
    .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), 'expected a postgres:// or postgresql:// URL')
    .optional(),
);

/** The variables every service reads. */
export const commonEnv = z.object({
  NODE_ENV: nodeEnvVar,
  LOG_LEVEL: logLevelVar,
  LOG_FORMAT: logFormatVar,
  GX_DATA_DIR: optionalStringVar(),
});

/**
 * The environment of a service that uses Postgres: the common variables, DATABASE_URL and its
 * own. Without DATABASE_URL the embedded server is used (on GX_PG_PORT), which production does not allow.
 */
export function databaseServiceEnv<T extends z.ZodRawShape>(shape: T) {
  return commonEnv.extend({ DATABASE_URL: postgresUrlVar, GX_PG_PORT: portVar(54329), ...shape }).refine(
    (env) => {
      const { NODE_ENV, DATABASE_URL } = env as { NODE_ENV?: unknown; DATABASE_URL?: unknown };
      return NODE_ENV !== 'production' || DATABASE_URL !== undefined;
    },
    {
      path: ['DATABASE_URL'],
      message: 'required when NODE_ENV=production (the embedded Postgres is for development only)',
    },
  );
}
