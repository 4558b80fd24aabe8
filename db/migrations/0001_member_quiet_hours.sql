ALTER TABLE "members" ADD COLUMN "quiet_start" text DEFAULT '21:00' NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "quiet_end" text DEFAULT '07:00' NOT NULL;