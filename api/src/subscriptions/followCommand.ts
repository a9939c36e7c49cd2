import { NotFoundError } from '../errors.js';
import type { GraphQLContext } from '../graphql/context.js';
import { authorizeCommand, type CommandView } from '../services/commands.js';
import { parseId } from '../services/input.js';

/**
 * `commandStatus(id)`: starts watching before the first read, then authorises on what it read: the
 * requester, an admin, or anyone for a registration. A refusal is thrown before the stream starts, so
 * the client gets an error for this operation (graphql-ws `error`) and the socket stays open.
 */
export async function followCommand(
  context: GraphQLContext,
  id: string,
): Promise<AsyncIterable<CommandView>> {
  parseId(id, 'id');
  const watch = context.hub.watch(id, context.subscriber);
  try {
    const first = await watch.first;
    if (!first) throw new NotFoundError('command');
    authorizeCommand(context, first);
    return watch.updates;
  } catch (error) {
    watch.close();
    throw error;
  }
}
