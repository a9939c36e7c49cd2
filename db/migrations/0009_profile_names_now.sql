-- The names and country a profile's next update builds on, as jsonb: those of its latest
-- UPDATE_PROFILE still on its way (ACCEPTED to COMMITTED), else the read model's. The api's group
-- commit compares them with those a partial update was built on, in the statement that takes the
-- batch's aggregate locks. VOLATILE (and PL/pgSQL, never inlined): its query runs with a snapshot
-- taken when it is called, after the locks are held, so it sees what their previous holders
-- committed; the calling statement's own snapshot, taken before it waited, does not. `locks_held`
-- is the lock subquery's column: the call depends on the lock row, so the planner cannot run it
-- before the locks are taken. The two lookups each use an index (see `latestPendingUpdate`).
CREATE FUNCTION gx_profile_names_now(profile uuid, locks_held bigint) RETURNS jsonb
  LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN (
    SELECT CASE WHEN pending.payload IS NULL
                THEN jsonb_build_object('firstName', p.first_name, 'lastName', p.last_name, 'country', p.country)
                ELSE jsonb_build_object('firstName', pending.payload->'firstName',
                                        'lastName', pending.payload->'lastName', 'country', pending.payload->'country')
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
     WHERE p.id = profile
  );
END
$$;
