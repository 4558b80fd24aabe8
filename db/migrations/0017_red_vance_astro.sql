DROP INDEX "outbox_broadcast_idx";--> statement-breakpoint
DROP INDEX "outbox_request_idx";--> statement-breakpoint
DROP INDEX "outbox_due_idx";--> statement-breakpoint
CREATE INDEX "outbox_subject_idx" ON "outbox" USING btree ("subject_kind","subject_id") WHERE "outbox"."subject_id" is not null;--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("next_attempt_at","id") WHERE "outbox"."status" in ('queued', 'retrying') and "outbox"."batch_key" is null;--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "broadcast_id";--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "notice_id";--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "lease_until";--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "lease_owner";--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "request_id";