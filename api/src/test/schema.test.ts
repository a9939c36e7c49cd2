import { readFileSync } from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '@gx/runtime';
import { describe, expect, it } from 'vitest';
import { printSchemaFile, schema } from '../graphql/schema.js';
import {
  buildSchema,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isObjectType,
} from '../graphqlJs.js';

const root = workspaceRoot();
const builtInScalars = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

/** Every named type with its fields (and their arguments) or values, as comparable text. */
function shape(s: GraphQLSchema): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const type of Object.values(s.getTypeMap())) {
    if (type.name.startsWith('__') || builtInScalars.has(type.name)) continue;
    if (isObjectType(type)) {
      out[type.name] = Object.values(type.getFields())
        .map((f) => `${f.name}(${f.args.map((a) => `${a.name}: ${a.type}`).join(', ')}): ${f.type}`)
        .sort();
    } else if (isInputObjectType(type)) {
      out[type.name] = Object.values(type.getFields())
        .map((f) => `${f.name}: ${f.type}`)
        .sort();
    } else if (isEnumType(type)) {
      out[type.name] = type.getValues().map((v) => v.name);
    } else {
      out[type.name] = ['scalar'];
    }
  }
  return out;
}

describe('the GraphQL schema', () => {
  it("is the design's contract: every type, field, argument and enum value, names and types included", () => {
    const design = readFileSync(path.join(root, 'docs', 'DESIGN.md'), 'utf8');
    const section = design.slice(design.indexOf('## GraphQL contract'));
    const sdl = /```graphql\n([\s\S]*?)```/.exec(section)?.[1];
    expect(sdl, 'the design has a ```graphql block in its GraphQL contract section').toBeTruthy();
    expect(shape(schema)).toEqual(shape(buildSchema(sdl!)));
  });

  it('is what schema/schema.graphql says (regenerate with `pnpm --filter @gx/api schema`)', () => {
    const file = readFileSync(path.join(root, 'schema', 'schema.graphql'), 'utf8');
    expect(file, 'schema/schema.graphql is out of date: run `pnpm --filter @gx/api schema`').toBe(
      printSchemaFile(),
    );
  });
});
