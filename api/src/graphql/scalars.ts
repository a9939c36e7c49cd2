import {
  accountTypes,
  commandStatuses,
  commandTypes,
  documentTypes,
  kycDecisions,
  kycStatuses,
  roles,
  transferDirections,
  userStatuses,
} from '@gx/schema';
import { GraphQLError } from '../graphqlJs.js';
import { builder } from './builder.js';

export const DateTime = builder.scalarType('DateTime', {
  description: 'ISO-8601, UTC',
  serialize: (value) => (value as Date).toISOString(),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime()))
      throw new GraphQLError('DateTime: expected an ISO-8601 string');
    return date;
  },
});

export const AccountType = builder.enumType('AccountType', { values: accountTypes });
export const Role = builder.enumType('Role', { values: roles });
export const UserStatus = builder.enumType('UserStatus', { values: userStatuses });
export const KycStatus = builder.enumType('KycStatus', { values: kycStatuses });
export const KycDecision = builder.enumType('KycDecision', { values: kycDecisions });
export const DocumentType = builder.enumType('DocumentType', { values: documentTypes });
export const CommandType = builder.enumType('CommandType', { values: commandTypes });
export const CommandStatus = builder.enumType('CommandStatus', { values: commandStatuses });
export const TransferDirection = builder.enumType('TransferDirection', { values: transferDirections });
