import type { ObjectRef } from '@pothos/core';
import { PageArgs, parseInput } from '../services/input.js';
import type { Page, PageRequest } from '../services/pagination.js';
import { type BuilderTypes, builder } from './builder.js';

type ObjectRefOf<T> = ObjectRef<PothosSchemaTypes.ExtendDefaultTypes<BuilderTypes>, T>;

export const PageInfo = builder
  .objectRef<{ hasNextPage: boolean; endCursor: string | null }>('PageInfo')
  .implement({
    fields: (t) => ({
      hasNextPage: t.exposeBoolean('hasNextPage'),
      endCursor: t.exposeString('endCursor', { nullable: true }),
    }),
  });

/**
 * `<Name>Edge` and `<Name>Connection` as the contract writes them: relay-style, forward only
 * (`first`, `after`), so the plugin's backward arguments and PageInfo fields are left out.
 */
export function connectionOf<T>(name: string, node: ObjectRefOf<T>) {
  const Edge = builder.objectRef<{ cursor: string; node: T }>(`${name}Edge`).implement({
    fields: (t) => ({
      cursor: t.exposeString('cursor'),
      node: t.field({ type: node, resolve: (edge) => edge.node as never }),
    }),
  });
  return builder.objectRef<Page<T>>(`${name}Connection`).implement({
    fields: (t) => ({
      edges: t.field({ type: [Edge], resolve: (page) => page.edges }),
      pageInfo: t.field({
        type: PageInfo,
        resolve: (page) => ({ hasNextPage: page.hasNextPage, endCursor: page.edges.at(-1)?.cursor ?? null }),
      }),
    }),
  });
}

/** `first` and `after` checked: BAD_USER_INPUT naming the argument. */
export function pageRequest(args: { first?: number | null; after?: string | null }): PageRequest {
  return parseInput(PageArgs, { first: args.first, after: args.after }, '');
}
