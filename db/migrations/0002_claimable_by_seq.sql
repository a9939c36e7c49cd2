DROP INDEX "commands_claimable_idx";--> statement-breakpoint
CREATE INDEX "commands_claimable_idx" ON "commands" USING btree ("seq") WHERE "commands"."status" in ('ACCEPTED', 'SUBMITTED', 'RETRYING');