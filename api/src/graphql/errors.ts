import type { Plugin } from 'graphql-yoga';
import { isErrorCode } from '../errors.js';
import { GraphQLError } from '../graphqlJs.js';

/** graphql-js's variable coercion message: `Variable "$input" got invalid value … at "input.email"; …`. */
const variableError = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)"/;
const variablePath = / at "([^"]+)";/;

/**
 * Gives every error one of the design's codes: ours pass as they are; an invalid variable value is
 * BAD_USER_INPUT with `field` naming the variable path; anything else raised before execution
 * (unparsable, invalid, over a limit, or a request the endpoint refuses) is GRAPHQL_VALIDATION_FAILED;
 * anything else raised during execution is INTERNAL_SERVER_ERROR (and was masked by Yoga).
 */
export function withErrorCode(error: GraphQLError): GraphQLError {
  const extensions = error.extensions as Record<string, unknown>;
  if (isErrorCode(extensions.code)) return error;
  const variable = variableError.exec(error.message);
  if (variable) {
    let field = variablePath.exec(error.message)?.[1] ?? variable[1]!;
    // a missing or unknown member of an input object names the member
    const member = /; Field "([_A-Za-z][_0-9A-Za-z]*)" (?:of required type|is not defined)/.exec(
      error.message,
    )?.[1];
    if (member) field = `${field}.${member}`;
    return copyWith(error, { ...extensions, code: 'BAD_USER_INPUT', field });
  }
  if (error.path) return copyWith(error, { ...extensions, code: 'INTERNAL_SERVER_ERROR' });
  // Refused before execution: 400 for application/graphql-response+json, 200 for application/json.
  return copyWith(error, {
    ...extensions,
    code: 'GRAPHQL_VALIDATION_FAILED',
    http: extensions.http ?? { spec: true, status: 400 },
  });
}

function copyWith(error: GraphQLError, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    originalError: error.originalError ?? null,
    extensions,
  });
}

export function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  return new GraphQLError(error instanceof Error ? error.message : String(error));
}

/** Over HTTP, every result passes here on its way out. */
export function useErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !result || typeof result !== 'object' || !('errors' in result)) return;
      const errors = result.errors;
      if (!errors?.length) return;
      setResult({ ...result, errors: errors.map((e) => withErrorCode(toGraphQLError(e))) });
    },
  };
}

/** What a WebSocket client gets: the error's JSON without the HTTP-only extension. */
export function wsErrorJson(error: GraphQLError) {
  const json = withErrorCode(error).toJSON();
  if (json.extensions && 'http' in json.extensions) {
    const { http: _http, ...rest } = json.extensions as Record<string, unknown>;
    return { ...json, extensions: rest };
  }
  return json;
}
