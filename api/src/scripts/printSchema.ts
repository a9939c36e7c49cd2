// Writes schema/schema.graphql from the Pothos schema, for frontend codegen:
//   pnpm --filter @gx/api schema   (a test fails when the file is out of date)
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '@gx/runtime';
import { printSchemaFile } from '../graphql/schema.js';

const schemaFile = path.join(workspaceRoot(), 'schema', 'schema.graphql');

writeFileSync(schemaFile, printSchemaFile());
process.stdout.write(`wrote ${schemaFile}\n`);
