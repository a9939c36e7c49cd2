-- One command per (requester, idempotency key). NULLS NOT DISTINCT makes anonymous registrations
-- (requester null) share one key space; keyless commands are outside the index and never collide.
-- Hand-written: drizzle cannot declare NULLS NOT DISTINCT on a partial index. Needs PostgreSQL >= 15.
CREATE UNIQUE INDEX "commands_idempotency_idx" ON "commands" ("requester_id", "idempotency_key") NULLS NOT DISTINCT WHERE "idempotency_key" IS NOT NULL;
