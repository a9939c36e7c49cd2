import { type Db, kycVerifications, userProfiles } from '@gx/db';
import type { DocumentType, KycStatus } from '@gx/schema';
import { eq } from 'drizzle-orm';
import { NotFoundError } from '../errors.js';
import { beginUserWrite, insertCommand, type Receipt, withIdempotency } from './commands.js';
import { type Caller, requireViewer, type Services } from './context.js';
import { parseId, parseInput, ReviewKycInput, SubmitKycInput } from './input.js';
import { authorizeProfile } from './profiles.js';

export interface KycView {
  profileId: string;
  status: KycStatus;
  documentType: DocumentType | null;
  documentHash: string | null;
  reason: string | null;
  submittedAt: Date | null;
  reviewedAt: Date | null;
}

export async function profileExists(db: Db, profileId: string): Promise<boolean> {
  const rows = await db
    .select({ id: userProfiles.id })
    .from(userProfiles)
    .where(eq(userProfiles.id, profileId));
  return rows.length > 0;
}

/** `kycStatus(profileId)`: the caller's by default, anyone's for an admin; NONE before any submission. */
export async function getKycStatus(
  services: Services,
  caller: Caller,
  profileId: string | null | undefined,
): Promise<KycView | null> {
  const viewer = requireViewer(caller);
  const id = profileId == null ? viewer.profileId : parseId(profileId, 'profileId');
  authorizeProfile(caller, id);
  const db = services.database.db;
  const [row] = await db.select().from(kycVerifications).where(eq(kycVerifications.profileId, id));
  if (row) {
    return {
      profileId: row.profileId,
      status: row.status as KycStatus,
      documentType: row.documentType as DocumentType | null,
      documentHash: row.documentHash,
      reason: row.reason,
      submittedAt: row.submittedAt,
      reviewedAt: row.reviewedAt,
    };
  }
  if (!(await profileExists(db, id))) return null;
  return {
    profileId: id,
    status: 'NONE',
    documentType: null,
    documentHash: null,
    reason: null,
    submittedAt: null,
    reviewedAt: null,
  };
}

export interface SubmitKycArgs {
  documentType: string;
  documentHash: string;
  idempotencyKey?: string | null | undefined;
}

/** `submitKyc`: the caller's own; the chaincode decides whether a submission is allowed now. */
export async function submitKyc(services: Services, caller: Caller, args: SubmitKycArgs): Promise<Receipt> {
  const { viewer, input, identity } = beginUserWrite(services, caller, 'submitKyc', args);
  return withIdempotency(services, identity, async () => {
    const valid = parseInput(SubmitKycInput, input);
    return insertCommand(services, identity, {
      type: 'SUBMIT_KYC',
      aggregateId: viewer.profileId,
      build: () => ({ profileId: viewer.profileId, ...valid }),
    });
  });
}

export interface ReviewKycArgs {
  profileId: string;
  decision: string;
  reason?: string | null | undefined;
  idempotencyKey?: string | null | undefined;
}

/** `reviewKyc`, admin: the reason stays off-chain; the ledger gets its HMAC. */
export async function reviewKyc(services: Services, caller: Caller, args: ReviewKycArgs): Promise<Receipt> {
  const { input, identity } = beginUserWrite(services, caller, 'reviewKyc', args);
  return withIdempotency(services, identity, async () => {
    const valid = parseInput(ReviewKycInput, input);
    if (!(await profileExists(services.database.db, valid.profileId))) throw new NotFoundError('profile');
    const reason = valid.reason ?? null;
    return insertCommand(services, identity, {
      type: 'REVIEW_KYC',
      aggregateId: valid.profileId,
      build: () => ({
        profileId: valid.profileId,
        decision: valid.decision,
        reason,
        reasonHash: reason === null ? null : services.hmacs.reasonHash(reason),
      }),
    });
  });
}
