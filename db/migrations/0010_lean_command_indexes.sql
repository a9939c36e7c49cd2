DROP INDEX "commands_status_idx";--> statement-breakpoint
DROP INDEX "commands_ledger_tx_idx";--> statement-breakpoint
CREATE INDEX "commands_troubled_idx" ON "commands" USING btree ("status","seq") WHERE "commands"."status" in ('RETRYING', 'REJECTED', 'DEAD');--> statement-breakpoint
CREATE INDEX "commands_ledger_tx_idx" ON "commands" USING btree ("ledger_tx_id") WHERE "commands"."ledger_tx_id" is not null;