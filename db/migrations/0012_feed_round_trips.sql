CREATE TYPE "public"."appeal_status" AS ENUM('filed', 'sent', 'accepted', 'refused');--> statement-breakpoint
CREATE TABLE "rating_appeals" (
	"id" serial PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"evaluation_id" integer NOT NULL,
	"reasons" text NOT NULL,
	"status" "appeal_status" DEFAULT 'filed' NOT NULL,
	"filed_by" uuid NOT NULL,
	"filed_at" timestamp with time zone NOT NULL,
	"sent_by" uuid,
	"sent_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"decision_note" text
);
--> statement-breakpoint
ALTER TABLE "evaluations" ALTER COLUMN "resolved" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "first_reply_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "first_replied_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "evaluations" ADD COLUMN "excluded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rating_appeals" ADD CONSTRAINT "rating_appeals_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_appeals" ADD CONSTRAINT "rating_appeals_evaluation_id_evaluations_id_fk" FOREIGN KEY ("evaluation_id") REFERENCES "public"."evaluations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_appeals" ADD CONSTRAINT "rating_appeals_filed_by_staff_users_id_fk" FOREIGN KEY ("filed_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_appeals" ADD CONSTRAINT "rating_appeals_sent_by_staff_users_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rating_appeals_case_idx" ON "rating_appeals" USING btree ("case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rating_appeals_one_per_rating_uq" ON "rating_appeals" USING btree ("evaluation_id") WHERE status <> 'refused';--> statement-breakpoint
-- A case's evaluation figures come from its latest evaluation that the 12345
-- platform has not excluded on appeal (核减). An SMS rating leaves resolution
-- unknown (NULL), and so does the case's last_resolved when it is the latest.
CREATE OR REPLACE FUNCTION evaluations_latest_to_case() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  target uuid;
BEGIN
  FOREACH target IN ARRAY (CASE
    WHEN TG_OP = 'INSERT' THEN ARRAY[NEW.case_id]
    WHEN TG_OP = 'DELETE' THEN ARRAY[OLD.case_id]
    WHEN OLD.case_id = NEW.case_id THEN ARRAY[NEW.case_id]
    ELSE ARRAY[OLD.case_id, NEW.case_id] END)
  LOOP
    -- No evaluation left (all excluded): both become NULL.
    UPDATE cases SET (last_satisfaction, last_resolved) = (
      SELECT e.satisfaction::text, e.resolved::text FROM evaluations e
      WHERE e.case_id = target AND e.excluded_at IS NULL
      ORDER BY e.evaluated_at DESC, e.id DESC LIMIT 1)
    WHERE id = target;
  END LOOP;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- SMS ratings so far were recorded as resolved for 1 and 2 and not for 3: a guess.
-- The timeline says which ratings came by SMS; their resolution becomes unknown.
UPDATE evaluations e SET resolved = NULL
WHERE e.source = 'citizen' AND EXISTS (
  SELECT 1 FROM case_events ev
  WHERE ev.case_id = e.case_id AND ev.type = 'evaluated' AND ev.data->>'via' = 'sms' AND ev.at = e.evaluated_at);
