/**
 * A business refusal of one command. Its message is the reason the client sees, so it names ids
 * and numbers only. Any other error is a fault and fails the whole transaction.
 */
export class CommandRejected extends Error {
  override name = 'CommandRejected';
}

export function reject(reason: string): never {
  throw new CommandRejected(reason);
}
