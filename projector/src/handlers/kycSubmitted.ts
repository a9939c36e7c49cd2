import { kycVerifications, userProfiles } from '@gx/db';
import { sql } from 'drizzle-orm';
import type { Handler } from './types.js';

/** The profile's KYC becomes PENDING with the submitted document; an earlier review is cleared. */
export const kycSubmitted: Handler<'KycSubmitted'> = async (event, tx) => {
  const { at } = event;
  const { profileId, documentType, documentHash } = event.payload;
  await tx.execute(sql`
    with kyc as (
      insert into ${kycVerifications} (profile_id, status, document_type, document_hash, reason,
        submitted_at, reviewed_at, updated_at)
      values (${profileId}, 'PENDING', ${documentType}, ${documentHash}, null, ${at}, null, ${at})
      on conflict (profile_id) do update
      set status = excluded.status,
          document_type = excluded.document_type,
          document_hash = excluded.document_hash,
          reason = null,
          submitted_at = excluded.submitted_at,
          reviewed_at = null,
          updated_at = excluded.updated_at
    )
    update ${userProfiles} set kyc_status = 'PENDING', updated_at = ${at} where id = ${profileId}`);
};
