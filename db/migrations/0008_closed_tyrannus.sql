CREATE TABLE "check_in_attempts" (
	"member_id" integer NOT NULL,
	"day" text NOT NULL,
	"wrong" integer DEFAULT 0 NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "check_in_attempts_member_id_day_pk" PRIMARY KEY("member_id","day")
);
--> statement-breakpoint
ALTER TABLE "workshops" ADD COLUMN "completed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "check_in_attempts" ADD CONSTRAINT "check_in_attempts_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;