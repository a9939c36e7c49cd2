import { z } from 'zod';

export const commandTypes = [
  'REGISTER',
  'UPDATE_PROFILE',
  'SUBMIT_KYC',
  'REVIEW_KYC',
  'MINT',
  'TRANSFER',
] as const;
export const CommandType = z.enum(commandTypes);
export type CommandType = z.infer<typeof CommandType>;

export const accountTypes = ['INDIVIDUAL', 'BUSINESS'] as const;
export const AccountType = z.enum(accountTypes);
export type AccountType = z.infer<typeof AccountType>;

export const roles = ['USER', 'ADMIN'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

export const userStatuses = ['ACTIVE', 'SUSPENDED'] as const;
export const UserStatus = z.enum(userStatuses);
export type UserStatus = z.infer<typeof UserStatus>;

export const kycStatuses = ['NONE', 'PENDING', 'APPROVED', 'REJECTED'] as const;
export const KycStatus = z.enum(kycStatuses);
export type KycStatus = z.infer<typeof KycStatus>;

export const kycDecisions = ['APPROVE', 'REJECT'] as const;
export const KycDecision = z.enum(kycDecisions);
export type KycDecision = z.infer<typeof KycDecision>;

export const documentTypes = ['PASSPORT', 'NATIONAL_ID', 'DRIVERS_LICENSE'] as const;
export const DocumentType = z.enum(documentTypes);
export type DocumentType = z.infer<typeof DocumentType>;

export const transferDirections = ['IN', 'OUT'] as const;
export const TransferDirection = z.enum(transferDirections);
export type TransferDirection = z.infer<typeof TransferDirection>;
