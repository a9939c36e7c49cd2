import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The api's metrics under the design's names, on a registry of its own (several apis may share a process in tests). */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method and route.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly graphqlOperations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations executed, by type, name and result (ok or error).',
    labelNames: ['operation_type', 'operation_name', 'result'] as const,
    registers: [this.registry],
  });
  readonly graphqlDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL execution time (for a subscription: until its stream is set up).',
    labelNames: ['operation_type', 'operation_name'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly commandBatchSize = new Histogram({
    name: 'api_command_batch_size',
    help: "Commands per group commit of the api's writes.",
    buckets: [1, 2, 5, 10, 20, 50, 100, 200],
    registers: [this.registry],
  });
  readonly lookupBatchSize = new Histogram({
    name: 'api_lookup_batch_size',
    help: 'Ids per read-model lookup query, shared by the operations of one event-loop turn.',
    labelNames: ['lookup'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });
  readonly wsConnections = new Gauge({
    name: 'graphql_ws_connections',
    help: 'Open graphql-ws WebSocket connections.',
    registers: [this.registry],
  });
  readonly subscriptionsActive: Gauge;

  constructor(activeSubscriptions: () => number) {
    this.subscriptionsActive = new Gauge({
      name: 'graphql_subscriptions_active',
      help: 'Active GraphQL subscriptions.',
      registers: [this.registry],
      collect() {
        this.set(activeSubscriptions());
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }

  observeOperation(type: string, name: string, ok: boolean, seconds: number): void {
    this.graphqlOperations.inc({ operation_type: type, operation_name: name, result: ok ? 'ok' : 'error' });
    this.graphqlDuration.observe({ operation_type: type, operation_name: name }, seconds);
  }
}

/** An operation name as a label: the client's, when it is a plain GraphQL name; bounded cardinality otherwise. */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  return /^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name) ? name : 'invalid';
}
