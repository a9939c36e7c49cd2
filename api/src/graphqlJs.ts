// graphql-js, one copy for the whole process. It has no "exports" map, so the packages in
// node_modules (Yoga, Pothos, graphql-ws) load its CommonJS build, while a bundler-style resolver
// (vitest) would give a bare 'graphql' import here the ESM build: two GraphQLError classes, and
// Yoga would mask our errors as unexpected. Naming the file picks the same build everywhere.
export {
  buildSchema,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  isEnumType,
  isInputObjectType,
  isObjectType,
  parse,
  printSchema,
  visit,
} from 'graphql/index.js';
