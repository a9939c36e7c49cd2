import { type AuthResult, login, logout, refreshSession } from '../services/accounts.js';
import { builder } from './builder.js';
import { UserProfile } from './user.js';

const AuthPayload = builder.objectRef<AuthResult>('AuthPayload').implement({
  fields: (t) => ({
    accessToken: t.exposeString('accessToken'),
    refreshToken: t.exposeString('refreshToken'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: "The access token's expiry." }),
    user: t.field({ type: UserProfile, resolve: (auth) => auth.user }),
  }),
});

const LoginInput = builder.inputType('LoginInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
});

builder.mutationFields((t) => ({
  login: t.field({
    type: AuthPayload,
    args: { input: t.arg({ type: LoginInput, required: true }) },
    resolve: (_root, { input }, context) => login(context.services, context, input),
  }),
  refreshToken: t.field({
    type: AuthPayload,
    description: 'Rotates; a reused token revokes its family.',
    args: { refreshToken: t.arg.string({ required: true }) },
    resolve: (_root, args, context) => refreshSession(context.services, args.refreshToken),
  }),
  logout: t.field({
    type: 'Boolean',
    description: "Revokes the refresh token's family; false for an unknown token.",
    args: { refreshToken: t.arg.string({ required: true }) },
    resolve: (_root, args, context) => logout(context.services, args.refreshToken),
  }),
}));
