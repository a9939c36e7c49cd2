import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import type { GraphQLContext } from './context.js';

export interface BuilderTypes {
  Context: GraphQLContext;
  AuthScopes: { authenticated: boolean; admin: boolean };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
}

/**
 * The one Pothos builder. Scope-auth gives two scopes: `authenticated` (a valid access token) and
 * `admin`; a refusal is UNAUTHENTICATED without a token, FORBIDDEN with one. Ownership ("self or
 * admin") is checked in the services, which know whose data a row is.
 */
export const builder = new SchemaBuilder<BuilderTypes>({
  plugins: [ScopeAuthPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => ({
      authenticated: context.viewer !== null,
      admin: context.viewer?.role === 'ADMIN',
    }),
    unauthorizedError: (_parent, context) =>
      context.viewer
        ? new ForbiddenError('this operation is for admins')
        : new UnauthenticatedError(context.authError),
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
