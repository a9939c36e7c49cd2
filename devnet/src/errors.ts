import { Metadata, type ServerErrorResponse, status } from '@grpc/grpc-js';
import { ProtoWriter } from './protowire.js';
import { LedgerUnavailableError } from './store.js';

/** One endpoint's part of a failure, as the gateway attaches it (`gateway.ErrorDetail`). */
export interface ErrorDetail {
  address: string;
  mspId: string;
  message: string;
}

/** A failure the gateway answers with a specific gRPC status, optionally with per-endpoint details. */
export class RpcError extends Error {
  override name = 'RpcError';

  constructor(
    readonly code: status,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
  }
}

const errorDetailTypeUrl = 'type.googleapis.com/gateway.ErrorDetail';

/**
 * The grpc-js form of an error. Details travel as a `google.rpc.Status` in the
 * `grpc-status-details-bin` trailer, which is where the official client looks for them
 * (it then raises e.g. `EndorseError` with `details[]`). Ledger failures become UNAVAILABLE;
 * anything unexpected INTERNAL.
 */
export function toServiceError(error: unknown): ServerErrorResponse {
  const rpc =
    error instanceof RpcError
      ? error
      : error instanceof LedgerUnavailableError
        ? new RpcError(status.UNAVAILABLE, error.message)
        : new RpcError(status.INTERNAL, (error as Error)?.message ?? String(error));
  const metadata = new Metadata();
  if (rpc.details.length > 0) metadata.set('grpc-status-details-bin', encodeStatus(rpc));
  return Object.assign(new Error(rpc.message), { code: rpc.code, details: rpc.message, metadata });
}

function encodeStatus(rpc: RpcError): Buffer {
  const writer = new ProtoWriter().uint(1, rpc.code).string(2, rpc.message);
  for (const detail of rpc.details) {
    const value = new ProtoWriter()
      .string(1, detail.address)
      .string(2, detail.mspId)
      .string(3, detail.message)
      .finish();
    writer.message(3, new ProtoWriter().string(1, errorDetailTypeUrl).bytes(2, value).finish());
  }
  return writer.finish();
}
