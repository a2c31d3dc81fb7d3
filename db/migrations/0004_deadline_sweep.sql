CREATE TABLE "case_alerts" (
	"case_id" uuid NOT NULL,
	"clock" text NOT NULL,
	"kind" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_alerts_case_id_clock_kind_due_at_pk" PRIMARY KEY("case_id","clock","kind","due_at")
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "next_alert_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "reply_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "ack_delta_seconds" integer;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "contact_delta_seconds" integer;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "reply_delta_seconds" integer;--> statement-breakpoint
ALTER TABLE "case_alerts" ADD CONSTRAINT "case_alerts_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_next_alert_idx" ON "cases" USING btree ("next_alert_at") WHERE next_alert_at is not null;--> statement-breakpoint
UPDATE "cases" SET "reply_started_at" = "received_at" WHERE "reply_started_at" IS NULL;
--> statement-breakpoint
UPDATE "cases" SET "next_alert_at" = "received_at" WHERE "status" IN ('new', 'assigned', 'in_progress') AND "next_alert_at" IS NULL;
