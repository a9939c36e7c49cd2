CREATE TABLE "commands" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"type" text NOT NULL,
	"status" text DEFAULT 'ACCEPTED' NOT NULL,
	"aggregate_id" uuid NOT NULL,
	"touches" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"payload" jsonb NOT NULL,
	"requester_id" uuid,
	"idempotency_key" text,
	"fingerprint" text,
	"correlation_id" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_by" text,
	"locked_at" timestamp with time zone,
	"ledger_tx_id" text,
	"block_number" bigint,
	"error_code" text,
	"error_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"committed_at" timestamp with time zone,
	"projected_at" timestamp with time zone,
	CONSTRAINT "commands_seq_unique" UNIQUE("seq"),
	CONSTRAINT "commands_type_check" CHECK ("commands"."type" in ('REGISTER', 'UPDATE_PROFILE', 'SUBMIT_KYC', 'REVIEW_KYC', 'MINT', 'TRANSFER')),
	CONSTRAINT "commands_status_check" CHECK ("commands"."status" in ('ACCEPTED', 'SUBMITTED', 'COMMITTED', 'PROJECTED', 'RETRYING', 'REJECTED', 'DEAD'))
);
--> statement-breakpoint
CREATE TABLE "credentials" (
	"profile_id" uuid PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text DEFAULT 'USER' NOT NULL,
	"register_command_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credentials_role_check" CHECK ("credentials"."role" in ('USER', 'ADMIN'))
);
--> statement-breakpoint
CREATE TABLE "kyc_verifications" (
	"profile_id" uuid PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"document_type" text,
	"document_hash" text,
	"reason" text,
	"submitted_at" timestamp with time zone,
	"reviewed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "kyc_verifications_status_check" CHECK ("kyc_verifications"."status" in ('NONE', 'PENDING', 'APPROVED', 'REJECTED')),
	CONSTRAINT "kyc_verifications_document_type_check" CHECK ("kyc_verifications"."document_type" is null or "kyc_verifications"."document_type" in ('PASSPORT', 'NATIONAL_ID', 'DRIVERS_LICENSE'))
);
--> statement-breakpoint
CREATE TABLE "ledger_transactions" (
	"tx_id" text PRIMARY KEY NOT NULL,
	"envelope" "bytea" NOT NULL,
	"status" text DEFAULT 'PREPARED' NOT NULL,
	"validation_code" integer,
	"block_number" bigint,
	"command_count" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_transactions_status_check" CHECK ("ledger_transactions"."status" in ('PREPARED', 'SUBMITTED', 'COMMITTED', 'INVALID'))
);
--> statement-breakpoint
CREATE TABLE "projection_errors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"block_number" bigint NOT NULL,
	"tx_id" text NOT NULL,
	"event_name" text NOT NULL,
	"payload" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "projector_checkpoints" (
	"name" text PRIMARY KEY NOT NULL,
	"block_number" bigint NOT NULL,
	"tx_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refresh_tokens" (
	"id" uuid PRIMARY KEY NOT NULL,
	"family_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rotated_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "refresh_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "transactions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"command_id" uuid NOT NULL,
	"wallet_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"fabric_tx_id" text NOT NULL,
	"block_number" bigint NOT NULL,
	"direction" text NOT NULL,
	"amount" numeric(78, 0) NOT NULL,
	"counterparty_profile_id" uuid,
	"counterparty_wallet_id" uuid,
	"memo" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "transactions_command_side_key" UNIQUE("command_id","direction"),
	CONSTRAINT "transactions_direction_check" CHECK ("transactions"."direction" in ('IN', 'OUT'))
);
--> statement-breakpoint
CREATE TABLE "user_profiles" (
	"id" uuid PRIMARY KEY NOT NULL,
	"wallet_id" uuid NOT NULL,
	"email" text NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"country" text NOT NULL,
	"account_type" text NOT NULL,
	"status" text DEFAULT 'ACTIVE' NOT NULL,
	"kyc_status" text DEFAULT 'NONE' NOT NULL,
	"profile_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "user_profiles_wallet_id_unique" UNIQUE("wallet_id"),
	CONSTRAINT "user_profiles_account_type_check" CHECK ("user_profiles"."account_type" in ('INDIVIDUAL', 'BUSINESS')),
	CONSTRAINT "user_profiles_status_check" CHECK ("user_profiles"."status" in ('ACTIVE', 'SUSPENDED')),
	CONSTRAINT "user_profiles_kyc_status_check" CHECK ("user_profiles"."kyc_status" in ('NONE', 'PENDING', 'APPROVED', 'REJECTED'))
);
--> statement-breakpoint
CREATE TABLE "wallets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"profile_id" uuid NOT NULL,
	"balance" numeric(78, 0) DEFAULT '0' NOT NULL,
	"block_number" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "wallets_profile_id_unique" UNIQUE("profile_id")
);
--> statement-breakpoint
ALTER TABLE "commands" ADD CONSTRAINT "commands_ledger_tx_id_ledger_transactions_tx_id_fk" FOREIGN KEY ("ledger_tx_id") REFERENCES "public"."ledger_transactions"("tx_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "commands_claimable_idx" ON "commands" USING btree ("next_attempt_at","seq") WHERE "commands"."status" in ('ACCEPTED', 'RETRYING');--> statement-breakpoint
CREATE INDEX "commands_aggregate_in_flight_idx" ON "commands" USING btree ("aggregate_id","seq") WHERE "commands"."status" in ('ACCEPTED', 'SUBMITTED', 'RETRYING');--> statement-breakpoint
CREATE INDEX "commands_stale_lease_idx" ON "commands" USING btree ("locked_at") WHERE "commands"."locked_by" is not null;--> statement-breakpoint
CREATE INDEX "commands_requester_idx" ON "commands" USING btree ("requester_id","seq");--> statement-breakpoint
CREATE INDEX "commands_status_idx" ON "commands" USING btree ("status","seq");--> statement-breakpoint
CREATE INDEX "commands_ledger_tx_idx" ON "commands" USING btree ("ledger_tx_id");--> statement-breakpoint
CREATE INDEX "commands_committed_unprojected_idx" ON "commands" USING btree ("committed_at") WHERE "commands"."status" = 'COMMITTED';--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_email_idx" ON "credentials" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "projection_errors_block_idx" ON "projection_errors" USING btree ("block_number");--> statement-breakpoint
CREATE INDEX "refresh_tokens_family_idx" ON "refresh_tokens" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "refresh_tokens_profile_idx" ON "refresh_tokens" USING btree ("profile_id");--> statement-breakpoint
CREATE INDEX "transactions_wallet_time_idx" ON "transactions" USING btree ("wallet_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "transactions_profile_time_idx" ON "transactions" USING btree ("profile_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);