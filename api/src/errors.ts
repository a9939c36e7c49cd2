import { GraphQLError } from './graphqlJs.js';

/** The design's error codes (GraphQL contract, "Errors"); every error the api answers carries one. */
export const errorCodes = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'EMAIL_TAKEN',
  'INVALID_CREDENTIALS',
  'ACCOUNT_PENDING',
  'IDEMPOTENCY_CONFLICT',
  'RATE_LIMITED',
  'GRAPHQL_VALIDATION_FAILED',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}

/**
 * An error meant for the client: a GraphQLError, so Yoga's masking lets it through, with its code.
 * Services throw these; they never carry a stack or SQL to the client.
 */
export class ApiError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
    this.code = code;
  }
}

/** An input rule is broken; `field` is the path of the offending value, e.g. `input.email`. */
export class BadUserInputError extends ApiError {
  override name = 'BadUserInputError';
  readonly field: string;

  constructor(field: string, message: string) {
    super('BAD_USER_INPUT', `${field}: ${message}`, { field });
    this.field = field;
  }
}

export class UnauthenticatedError extends ApiError {
  override name = 'UnauthenticatedError';

  constructor(message = 'a valid access token is required') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends ApiError {
  override name = 'ForbiddenError';

  constructor(message = 'not allowed') {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends ApiError {
  override name = 'NotFoundError';

  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
  }
}

export class EmailTakenError extends ApiError {
  override name = 'EmailTakenError';

  constructor() {
    super('EMAIL_TAKEN', 'this e-mail address is already registered');
  }
}

export class InvalidCredentialsError extends ApiError {
  override name = 'InvalidCredentialsError';

  constructor() {
    super('INVALID_CREDENTIALS', 'wrong e-mail or password');
  }
}

export class AccountPendingError extends ApiError {
  override name = 'AccountPendingError';
  readonly commandId: string;

  constructor(commandId: string) {
    super('ACCOUNT_PENDING', 'the registration is not yet complete; follow its command', { commandId });
    this.commandId = commandId;
  }
}

export class IdempotencyConflictError extends ApiError {
  override name = 'IdempotencyConflictError';
  readonly commandId: string;

  constructor(commandId: string) {
    super('IDEMPOTENCY_CONFLICT', 'this idempotency key was already used with another payload', {
      commandId,
    });
    this.commandId = commandId;
  }
}

/** A limit is exceeded; `retryAfter` in whole seconds, also sent as the `Retry-After` header over HTTP. */
export class RateLimitedError extends ApiError {
  override name = 'RateLimitedError';
  readonly retryAfter: number;

  constructor(retryAfter: number, what = 'too many requests') {
    const seconds = Math.max(1, Math.ceil(retryAfter));
    super('RATE_LIMITED', `${what}; retry after ${seconds} s`, {
      retryAfter: seconds,
      http: { headers: { 'Retry-After': String(seconds) } },
    });
    this.retryAfter = seconds;
  }
}
