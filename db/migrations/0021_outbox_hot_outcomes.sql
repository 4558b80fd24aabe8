-- Custom migration (drizzle-kit generate --custom): what drizzle's schema cannot say.
-- 1. Rows sent one by one that have ended are due never (core/delivery/delivery.record.ts ENDED), so that the due
--    index (0020, no longer filtered by status) holds ended rows past every claim's range.
UPDATE "outbox" SET "next_attempt_at" = '9999-12-31T00:00:00Z' WHERE "batch_key" IS NULL AND "status" IN ('sent', 'failed');--> statement-breakpoint
-- 2. Room on each page for a row's outcome to be written beside it (a HOT update: no index touched), as no index
--    names the columns an outcome changes. Applies to pages written from now on.
ALTER TABLE "outbox" SET (fillfactor = 50);
