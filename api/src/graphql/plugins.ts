import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { ApiError } from '../errors.js';
import { type DocumentNode, getOperationAST, visit } from '../graphqlJs.js';
import { type ApiMetrics, operationLabel } from '../http/metrics.js';
import type { GraphQLContext } from './context.js';

const introspective = new WeakMap<DocumentNode, boolean>();

function usesIntrospection(document: DocumentNode): boolean {
  let found = introspective.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      Field(node) {
        if (node.name.value === '__schema' || node.name.value === '__type') {
          found = true;
        }
      },
    });
    introspective.set(document, found);
  }
  return found;
}

/**
 * Introspection for admins, and for everyone outside production. Checked per operation, after
 * validation (whose results Yoga caches for all callers alike) and before anything executes.
 */
export function useIntrospectionGuard(allowed: (context: GraphQLContext) => boolean): Plugin<GraphQLContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (usesIntrospection(args.document) && !allowed(args.contextValue)) {
        setResultAndStopExecution({
          errors: [new ApiError('GRAPHQL_VALIDATION_FAILED', 'GraphQL introspection is not allowed here')],
        });
      }
    },
  };
}

/** Subscriptions run over graphql-ws only, where the per-user caps and the token expiry are enforced. */
export function useWebSocketSubscriptionsOnly(): Plugin<GraphQLContext> {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      if (args.contextValue.transport !== 'ws') {
        setResultAndStopExecution({
          errors: [
            new ApiError(
              'GRAPHQL_VALIDATION_FAILED',
              'subscriptions are served over WebSocket (graphql-ws protocol) at /graphql',
            ),
          ],
        });
      }
    },
  };
}

function operationOf(document: DocumentNode, operationName: string | null | undefined) {
  const operation = getOperationAST(document, operationName);
  return {
    type: operation?.operation ?? 'unknown',
    name: operationLabel(operation?.name?.value ?? operationName),
  };
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** `graphql_operations_total` and `graphql_operation_duration_seconds`. */
export function useOperationMetrics(metrics: ApiMetrics): Plugin<GraphQLContext> {
  return {
    onExecute({ args }) {
      const start = process.hrtime.bigint();
      return {
        onExecuteDone({ result }) {
          const { type, name } = operationOf(args.document, args.operationName);
          const ok = isAsyncIterable(result) || !result.errors?.length;
          metrics.observeOperation(type, name, ok, seconds(start));
        },
      };
    },
    onSubscribe({ args }) {
      const start = process.hrtime.bigint();
      return {
        onSubscribeResult({ result }) {
          const { type, name } = operationOf(args.document, args.operationName);
          const ok = isAsyncIterable(result) || !result.errors?.length;
          metrics.observeOperation(type, name, ok, seconds(start));
        },
      };
    },
  };
}
