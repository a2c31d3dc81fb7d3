-- The published rates as the offices count them (issue #13): the on-time rate by
-- the day of each case's first reply deadline and the redo by its own deadline's
-- day, the response rate over every case with an acknowledge clock, first contact
-- within 24 hours, resolution only where the answer is known. The rollups are
-- derived data: emptied here (the new NOT NULL facts need no default) and rebuilt
-- by the stats fold from every case, all marked dirty at the end.
TRUNCATE stats_daily, stats_times, case_stat_facts;
--> statement-breakpoint
ALTER TABLE "case_stat_facts" ADD COLUMN "resolution_known" smallint NOT NULL;--> statement-breakpoint
ALTER TABLE "case_stat_facts" ADD COLUMN "due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "case_stat_facts" ADD COLUMN "due_met" smallint NOT NULL;--> statement-breakpoint
ALTER TABLE "case_stat_facts" ADD COLUMN "redo_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "case_stat_facts" ADD COLUMN "redo_met" smallint NOT NULL;--> statement-breakpoint
ALTER TABLE "case_stat_facts" ADD COLUMN "ack_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "case_stat_facts" ADD COLUMN "ack_met" smallint NOT NULL;--> statement-breakpoint
ALTER TABLE "case_stat_facts" ADD COLUMN "contact_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "case_stat_facts" ADD COLUMN "contact_met" smallint NOT NULL;--> statement-breakpoint
ALTER TABLE "case_stat_facts" ADD COLUMN "open_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stats_daily" ADD COLUMN "resolution_known" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_daily" ADD COLUMN "ack_due" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_daily" ADD COLUMN "ack_met" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_daily" ADD COLUMN "contact_due" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_daily" ADD COLUMN "contact_met" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_daily" ADD COLUMN "due" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_daily" ADD COLUMN "due_met" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_daily" ADD COLUMN "redo_due" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_daily" ADD COLUMN "redo_met" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "case_stat_facts_open_until_idx" ON "case_stat_facts" USING btree ("open_until") WHERE open_until is not null;--> statement-breakpoint
CREATE INDEX "case_stat_facts_due_unmet_idx" ON "case_stat_facts" USING btree ("due_at") WHERE due_met = 0;--> statement-breakpoint
ALTER TABLE "case_stat_facts" DROP COLUMN "closed_on_time";--> statement-breakpoint
ALTER TABLE "case_stat_facts" DROP COLUMN "assigned";--> statement-breakpoint
ALTER TABLE "case_stat_facts" DROP COLUMN "acknowledged_on_time";--> statement-breakpoint
ALTER TABLE "stats_daily" DROP COLUMN "closed_on_time";--> statement-breakpoint
ALTER TABLE "stats_daily" DROP COLUMN "assigned";--> statement-breakpoint
ALTER TABLE "stats_daily" DROP COLUMN "acknowledged_on_time"; --> statement-breakpoint
-- Dropping columns the key INCLUDEd dropped the key with them; the new key carries
-- the new counters (drizzle-kit cannot say INCLUDE; see 0009).
ALTER TABLE "stats_daily" DROP CONSTRAINT IF EXISTS "stats_daily_dim_station_id_day_value_pk";--> statement-breakpoint
ALTER TABLE "stats_daily" ADD CONSTRAINT "stats_daily_dim_station_id_day_value_pk" PRIMARY KEY("dim","station_id","day","value")
  INCLUDE ("received","returned","closed","evaluated","resolution_known","resolved","satisfied","ack_due","ack_met","contact_due","contact_met","due","due_met","redo_due","redo_met");
--> statement-breakpoint
UPDATE cases SET stats_dirty = true WHERE NOT stats_dirty;
