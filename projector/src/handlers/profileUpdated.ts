import { userProfiles } from '@gx/db';
import { sql } from 'drizzle-orm';
import { type Handler, personalField } from './types.js';

/** Country and profile hash from the event; first and last name from the UPDATE_PROFILE command row. */
export const profileUpdated: Handler<'ProfileUpdated'> = async (event, tx) => {
  const { at } = event;
  const { profileId, country, profileHash } = event.payload;
  await tx.execute(sql`
    update ${userProfiles}
    set country = ${country},
        profile_hash = ${profileHash},
        first_name = coalesce(${personalField(event.command, 'firstName')}, first_name),
        last_name = coalesce(${personalField(event.command, 'lastName')}, last_name),
        updated_at = ${at}
    where id = ${profileId}`);
};
