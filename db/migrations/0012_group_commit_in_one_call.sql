-- The api's group commit (`CommandBatches`) in one call: the advisory locks of the batch's
-- aggregates, taken in one order (their keys' hashes), then the insert of its rows, less those whose
-- idempotency key their sender used before and those built on a profile's names and country that no
-- longer hold. The function is VOLATILE, so in READ COMMITTED each of its statements takes its
-- snapshot when it starts: the insert, and its check, see what the previous holders of the locks
-- committed. A single statement could not: its snapshot is taken before it waits for the locks.
--
-- This replaces a call of `gx_profile_names_now` (0009) for each row built on a profile, from the
-- insert that joined the locks: ~25 µs of PostgreSQL's CPU a row, most of it the start of a query of
-- its own; the check as a subquery of the insert costs ~3. The names and country a profile's next
-- update builds on are those of its latest UPDATE_PROFILE still on its way (ACCEPTED to COMMITTED),
-- else the read model's; the two lookups each use an index (see the api's `latestPendingUpdate`).
-- `gx_profile_names_now` stays for an api of the previous release until none runs.
CREATE FUNCTION gx_insert_commands(batch jsonb, lock_keys jsonb) RETURNS SETOF uuid
  LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM count(pg_advisory_xact_lock(h))
     FROM (SELECT hashtextextended(k, 0) AS h FROM jsonb_array_elements_text(lock_keys) k ORDER BY h) keys;
  RETURN QUERY
    INSERT INTO commands (id, type, aggregate_id, touches, payload, requester_id, idempotency_key,
                          fingerprint, correlation_id)
    SELECT r.id, r.type, r."aggregateId", r.touches, r.payload, r."requesterId", r."idempotencyKey",
           r.fingerprint, r."correlationId"
      FROM jsonb_to_recordset(batch)
             AS r(ord int, id uuid, type text, "aggregateId" uuid, touches uuid[], payload jsonb,
                  "requesterId" uuid, "idempotencyKey" text, fingerprint text, "correlationId" text,
                  "profileBuiltOn" jsonb)
     WHERE r."profileBuiltOn" IS NULL
        OR r."profileBuiltOn" = (
             SELECT CASE WHEN pending.payload IS NULL
                         THEN jsonb_build_object('firstName', p.first_name, 'lastName', p.last_name,
                                                 'country', p.country)
                         ELSE jsonb_build_object('firstName', pending.payload->'firstName',
                                                 'lastName', pending.payload->'lastName',
                                                 'country', pending.payload->'country')
                    END
               FROM user_profiles p
               LEFT JOIN LATERAL (
                 SELECT latest.payload FROM (
                   (SELECT c.payload, c.seq FROM commands c
                     WHERE c.aggregate_id = p.id AND c.type = 'UPDATE_PROFILE'
                       AND c.status IN ('ACCEPTED', 'SUBMITTED', 'RETRYING')
                     ORDER BY c.seq DESC LIMIT 1)
                   UNION ALL
                   (SELECT c.payload, c.seq FROM commands c
                     WHERE c.status = 'COMMITTED' AND c.aggregate_id = p.id AND c.type = 'UPDATE_PROFILE'
                     ORDER BY c.seq DESC LIMIT 1)
                 ) latest
                 ORDER BY latest.seq DESC LIMIT 1
               ) pending ON true
              WHERE p.id = r."aggregateId")
     ORDER BY r.ord
    ON CONFLICT (requester_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING commands.id;
END
$$;
