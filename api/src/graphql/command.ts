import {
  type CommandView,
  getCommand,
  listCommands,
  type Receipt,
  retryCommand,
} from '../services/commands.js';
import { followCommand } from '../subscriptions/followCommand.js';
import { builder } from './builder.js';
import { connectionOf, pageRequest } from './connection.js';
import { CommandStatus, CommandType } from './scalars.js';

export const CommandReceipt = builder.objectRef<Receipt>('CommandReceipt').implement({
  description: 'What a write answers at once: its command, to follow with `commandStatus`.',
  fields: (t) => ({
    commandId: t.exposeID('commandId'),
    status: t.field({ type: CommandStatus, resolve: (r) => r.status }),
    profileId: t.exposeID('profileId', { nullable: true }),
  }),
});

export const Command = builder.objectRef<CommandView>('Command').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.field({ type: CommandType, resolve: (c) => c.type }),
    status: t.field({ type: CommandStatus, resolve: (c) => c.status }),
    attempts: t.exposeInt('attempts'),
    fabricTxId: t.exposeString('fabricTxId', { nullable: true }),
    blockNumber: t.exposeString('blockNumber', { nullable: true }),
    errorCode: t.exposeString('errorCode', { nullable: true }),
    errorMessage: t.exposeString('errorMessage', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const CommandConnection = connectionOf('Command', Command);

builder.queryFields((t) => ({
  command: t.field({
    type: Command,
    nullable: true,
    description: 'Its requester or an admin; a registration, whoever holds its id.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => getCommand(context.services, context, id),
  }),
  commands: t.field({
    type: CommandConnection,
    description: "The caller's commands, newest first; an admin's: everyone's.",
    authScopes: { authenticated: true },
    args: { status: t.arg({ type: CommandStatus }), first: t.arg.int(), after: t.arg.string() },
    resolve: (_root, args, context) =>
      listCommands(context.services, context, { status: args.status, ...pageRequest(args) }),
  }),
}));

builder.mutationField('retryCommand', (t) =>
  t.field({
    type: CommandReceipt,
    description: 'Admin: a DEAD command starts again as ACCEPTED.',
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => retryCommand(context.services, context, id),
  }),
);

builder.subscriptionField('commandStatus', (t) =>
  t.field({
    type: Command,
    description:
      'The current state first, then later states in order (an intermediate one may be skipped, the ' +
      'terminal one never is); completes at a terminal status.',
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, { id }, context) => followCommand(context, id),
    resolve: (command) => command,
  }),
);
