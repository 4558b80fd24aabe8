CREATE TABLE "delivery_requests" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "delivery_requests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"platform" text NOT NULL,
	"retry_key" uuid DEFAULT gen_random_uuid() NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"recipients" integer NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"owner" uuid,
	"lease_until" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery_workers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"alive_until" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "lease_owner" uuid;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "request_id" integer;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "reply_tried_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "delivery_requests_due_idx" ON "delivery_requests" USING btree ("next_attempt_at","id") WHERE "delivery_requests"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_request_idx" ON "outbox" USING btree ("request_id") WHERE "outbox"."request_id" is not null;