import { type GraphQLSchema, printSchema } from '../graphqlJs.js';
import { builder } from './builder.js';
import './scalars.js';
import './command.js';
import './wallet.js';
import './transaction.js';
import './kyc.js';
import './user.js';
import './auth.js';

/** The api's GraphQL schema, as the design's contract writes it. */
export const schema: GraphQLSchema = builder.toSchema({ sortSchema: false });

/** The SDL of `schema/schema.graphql`, in the order the types are defined here. */
export function printSchemaFile(): string {
  return `${printSchema(schema)}\n`;
}
