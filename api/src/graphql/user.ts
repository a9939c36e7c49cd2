import type {
  AccountType as AccountTypeValue,
  KycStatus as KycStatusValue,
  UserStatus as UserStatusValue,
} from '@gx/schema';
import { register } from '../services/accounts.js';
import { requireViewer } from '../services/context.js';
import type { ProfileView } from '../services/lookups.js';
import { checkProfileAccess, updateProfile } from '../services/profiles.js';
import { builder } from './builder.js';
import { CommandReceipt } from './command.js';
import { AccountType, KycStatus, Role, UserStatus } from './scalars.js';
import { Wallet } from './wallet.js';

export const UserProfile = builder.objectRef<ProfileView>('UserProfile').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    firstName: t.exposeString('firstName'),
    lastName: t.exposeString('lastName'),
    country: t.exposeString('country'),
    accountType: t.field({ type: AccountType, resolve: (p) => p.accountType as AccountTypeValue }),
    role: t.field({
      type: Role,
      resolve: async (p, _args, context) => (await context.services.lookups.role.load(p.id)) ?? 'USER',
    }),
    status: t.field({ type: UserStatus, resolve: (p) => p.status as UserStatusValue }),
    kycStatus: t.field({ type: KycStatus, resolve: (p) => p.kycStatus as KycStatusValue }),
    wallet: t.field({
      type: Wallet,
      nullable: true,
      resolve: (p, _args, context) => context.services.lookups.wallet.load(p.walletId),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const RegisterInput = builder.inputType('RegisterInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
    firstName: t.string({ required: true }),
    lastName: t.string({ required: true }),
    country: t.string({ required: true }),
    accountType: t.field({ type: AccountType, required: true }),
    idempotencyKey: t.string(),
  }),
});

const UpdateProfileInput = builder.inputType('UpdateProfileInput', {
  fields: (t) => ({
    firstName: t.string(),
    lastName: t.string(),
    country: t.string(),
    idempotencyKey: t.string(),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: UserProfile,
    nullable: true,
    authScopes: { authenticated: true },
    resolve: (_root, _args, context) =>
      context.services.lookups.profile.load(requireViewer(context).profileId),
  }),
  user: t.field({
    type: UserProfile,
    nullable: true,
    description: 'Self or admin.',
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) =>
      context.services.lookups.profile.load(checkProfileAccess(context, id)),
  }),
}));

builder.mutationFields((t) => ({
  register: t.field({
    type: CommandReceipt,
    args: { input: t.arg({ type: RegisterInput, required: true }) },
    resolve: (_root, { input }, context) => register(context.services, context, input),
  }),
  updateProfile: t.field({
    type: CommandReceipt,
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: UpdateProfileInput, required: true }) },
    resolve: (_root, { input }, context) => updateProfile(context.services, context, input),
  }),
}));
