ALTER TABLE "delivery_requests" ALTER COLUMN "platform" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "delivery_requests" ALTER COLUMN "attempts" SET DEFAULT 0;--> statement-breakpoint
ALTER TABLE "delivery_requests" ADD COLUMN "kind" text DEFAULT 'batch' NOT NULL;--> statement-breakpoint
ALTER TABLE "delivery_requests" ADD COLUMN "row_ids" integer[] DEFAULT '{}'::integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "subject_kind" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "subject_id" integer;