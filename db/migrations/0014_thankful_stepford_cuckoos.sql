CREATE TABLE "phone_calls" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "phone_calls_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"broadcast_id" integer NOT NULL,
	"member_id" integer,
	"attempt" integer NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"provider_group_id" text,
	"provider_message_id" text,
	"placed_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "phone_calls_attempt_uq" UNIQUE("broadcast_id","member_id","attempt")
);
--> statement-breakpoint
CREATE TABLE "phone_consents" (
	"member_id" integer PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"source" text NOT NULL,
	"consented_at" timestamp with time zone NOT NULL,
	"opted_out_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "phone_messages" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "phone_messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"send_id" integer NOT NULL,
	"member_id" integer,
	"recipient" text NOT NULL,
	"provider_message_id" text,
	"kind" text NOT NULL,
	"status" text DEFAULT 'accepted' NOT NULL,
	"status_code" text,
	"fell_back_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "phone_sends" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "phone_sends_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"retry_key" text NOT NULL,
	"kind" text NOT NULL,
	"provider_group_id" text,
	"messages_enc" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "proxy_registrations" (
	"registration_id" integer PRIMARY KEY NOT NULL,
	"registered_by" integer NOT NULL,
	"consent_form_confirmed_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "phone_calls" ADD CONSTRAINT "phone_calls_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_consents" ADD CONSTRAINT "phone_consents_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_messages" ADD CONSTRAINT "phone_messages_send_id_phone_sends_id_fk" FOREIGN KEY ("send_id") REFERENCES "public"."phone_sends"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_messages" ADD CONSTRAINT "phone_messages_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_registrations" ADD CONSTRAINT "proxy_registrations_registration_id_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."registrations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_registrations" ADD CONSTRAINT "proxy_registrations_registered_by_members_id_fk" FOREIGN KEY ("registered_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "phone_calls_open_idx" ON "phone_calls" USING btree ("id") WHERE "phone_calls"."status" in ('queued', 'placed');--> statement-breakpoint
CREATE INDEX "phone_messages_send_idx" ON "phone_messages" USING btree ("send_id");--> statement-breakpoint
CREATE INDEX "phone_messages_open_idx" ON "phone_messages" USING btree ("send_id") WHERE "phone_messages"."status" = 'accepted';--> statement-breakpoint
CREATE INDEX "phone_messages_member_idx" ON "phone_messages" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "phone_sends_key_idx" ON "phone_sends" USING btree ("retry_key");--> statement-breakpoint
CREATE INDEX "proxy_registrations_by_idx" ON "proxy_registrations" USING btree ("registered_by");