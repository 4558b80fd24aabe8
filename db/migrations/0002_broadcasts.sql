CREATE TABLE "broadcasts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "broadcasts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"scope_kind" text NOT NULL,
	"scope_districts" text[] DEFAULT '{}'::text[] NOT NULL,
	"scope_villages" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"category" text NOT NULL,
	"body" text NOT NULL,
	"sender_label" text NOT NULL,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"send_at" timestamp with time zone NOT NULL,
	"fanned_out_at" timestamp with time zone,
	"recipients" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "broadcast_id" integer;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_created_by_members_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "broadcasts_send_at_idx" ON "broadcasts" USING btree ("send_at");--> statement-breakpoint
CREATE INDEX "outbox_broadcast_idx" ON "outbox" USING btree ("broadcast_id","status");