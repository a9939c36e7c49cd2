import { getKycStatus, type KycView, reviewKyc, submitKyc } from '../services/kyc.js';
import { builder } from './builder.js';
import { CommandReceipt } from './command.js';
import { DocumentType, KycDecision, KycStatus } from './scalars.js';

export const KycVerification = builder.objectRef<KycView>('KycVerification').implement({
  fields: (t) => ({
    profileId: t.exposeID('profileId'),
    status: t.field({ type: KycStatus, resolve: (k) => k.status }),
    documentType: t.field({ type: DocumentType, nullable: true, resolve: (k) => k.documentType }),
    documentHash: t.exposeString('documentHash', { nullable: true }),
    reason: t.exposeString('reason', { nullable: true }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime', nullable: true }),
    reviewedAt: t.expose('reviewedAt', { type: 'DateTime', nullable: true }),
  }),
});

const SubmitKycInput = builder.inputType('SubmitKycInput', {
  fields: (t) => ({
    documentType: t.field({ type: DocumentType, required: true }),
    documentHash: t.string({ required: true }),
    idempotencyKey: t.string(),
  }),
});

const ReviewKycInput = builder.inputType('ReviewKycInput', {
  fields: (t) => ({
    profileId: t.id({ required: true }),
    decision: t.field({ type: KycDecision, required: true }),
    reason: t.string(),
    idempotencyKey: t.string(),
  }),
});

builder.queryField('kycStatus', (t) =>
  t.field({
    type: KycVerification,
    nullable: true,
    description: "The caller's by default; another profile's: admin.",
    authScopes: { authenticated: true },
    args: { profileId: t.arg.id() },
    resolve: (_root, { profileId }, context) => getKycStatus(context.services, context, profileId),
  }),
);

builder.mutationFields((t) => ({
  submitKyc: t.field({
    type: CommandReceipt,
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: SubmitKycInput, required: true }) },
    resolve: (_root, { input }, context) => submitKyc(context.services, context, input),
  }),
  reviewKyc: t.field({
    type: CommandReceipt,
    description: 'Admin.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: ReviewKycInput, required: true }) },
    resolve: (_root, { input }, context) => reviewKyc(context.services, context, input),
  }),
}));
