-- Custom migration (drizzle-kit generate --custom): carries existing rows over between 0015 (columns added) and the
-- next migration (per-feature columns and per-row leases dropped).
-- 1. The per-feature columns become the generic subject.
UPDATE "outbox" SET "subject_kind" = 'broadcast', "subject_id" = "broadcast_id" WHERE "broadcast_id" IS NOT NULL;--> statement-breakpoint
UPDATE "outbox" SET "subject_kind" = 'notice', "subject_id" = "notice_id" WHERE "notice_id" IS NOT NULL AND "broadcast_id" IS NULL;--> statement-breakpoint
-- 2. A request decided earlier keeps its recipients: the rows that referenced it.
UPDATE "delivery_requests" r SET "row_ids" = COALESCE((SELECT array_agg(o."id" ORDER BY o."id") FROM "outbox" o WHERE o."request_id" = r."id"), '{}'::integer[]);--> statement-breakpoint
-- 3. Batch rows still to be sent that no request holds yet get the request of their batch (a batch key is at most 500 rows).
INSERT INTO "delivery_requests" ("kind", "platform", "row_ids", "recipients", "next_attempt_at", "created_at")
  SELECT 'batch', "platform", array_agg("id" ORDER BY "id"), count(*)::int, min("next_attempt_at"), now()
  FROM "outbox"
  WHERE "batch_key" IS NOT NULL AND "request_id" IS NULL AND "status" IN ('queued', 'retrying')
  GROUP BY "platform", "batch_key";
