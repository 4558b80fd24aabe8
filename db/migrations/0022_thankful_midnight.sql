ALTER TABLE "link_attempts" DROP CONSTRAINT "link_attempts_identity_id_identities_id_fk";
--> statement-breakpoint
ALTER TABLE "link_codes" DROP CONSTRAINT "link_codes_identity_id_identities_id_fk";
--> statement-breakpoint
ALTER TABLE "link_attempts" ADD CONSTRAINT "link_attempts_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link_codes" ADD CONSTRAINT "link_codes_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE cascade ON UPDATE no action;