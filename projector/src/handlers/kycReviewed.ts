import { kycVerifications, userProfiles } from '@gx/db';
import type { KycStatus } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { type Handler, personalField } from './types.js';

const outcome = { APPROVE: 'APPROVED', REJECT: 'REJECTED' } as const satisfies Record<string, KycStatus>;

/** KYC APPROVED or REJECTED; the reason text comes from the REVIEW_KYC command row (the ledger has its hash). */
export const kycReviewed: Handler<'KycReviewed'> = async (event, tx) => {
  const { at } = event;
  const { profileId, decision } = event.payload;
  const status = outcome[decision];
  await tx.execute(sql`
    with kyc as (
      insert into ${kycVerifications} (profile_id, status, reason, reviewed_at, updated_at)
      values (${profileId}, ${status}, ${personalField(event.command, 'reason')}, ${at}, ${at})
      on conflict (profile_id) do update
      set status = excluded.status,
          reason = excluded.reason,
          reviewed_at = excluded.reviewed_at,
          updated_at = excluded.updated_at
    )
    update ${userProfiles} set kyc_status = ${status}, updated_at = ${at} where id = ${profileId}`);
};
