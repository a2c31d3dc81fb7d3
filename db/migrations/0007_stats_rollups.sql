CREATE TABLE "case_stat_facts" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"day" date NOT NULL,
	"station_id" integer NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"category_id" integer NOT NULL,
	"department_id" integer,
	"location_id" integer,
	"received" smallint NOT NULL,
	"returned" smallint NOT NULL,
	"closed" smallint NOT NULL,
	"closed_on_time" smallint NOT NULL,
	"assigned" smallint NOT NULL,
	"acknowledged_on_time" smallint NOT NULL,
	"evaluated" smallint NOT NULL,
	"resolved" smallint NOT NULL,
	"satisfied" smallint NOT NULL,
	"ack_seconds" integer,
	"contact_seconds" integer,
	"reply_seconds" integer,
	"close_seconds" integer
);
--> statement-breakpoint
CREATE TABLE "stats_daily" (
	"dim" text NOT NULL,
	"day" date NOT NULL,
	"station_id" integer NOT NULL,
	"value" text NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"returned" integer DEFAULT 0 NOT NULL,
	"closed" integer DEFAULT 0 NOT NULL,
	"closed_on_time" integer DEFAULT 0 NOT NULL,
	"assigned" integer DEFAULT 0 NOT NULL,
	"acknowledged_on_time" integer DEFAULT 0 NOT NULL,
	"evaluated" integer DEFAULT 0 NOT NULL,
	"resolved" integer DEFAULT 0 NOT NULL,
	"satisfied" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "stats_daily_dim_day_station_id_value_pk" PRIMARY KEY("dim","day","station_id","value")
);
--> statement-breakpoint
CREATE TABLE "stats_times" (
	"dim" text NOT NULL,
	"month" date NOT NULL,
	"station_id" integer NOT NULL,
	"value" text NOT NULL,
	"metric" text NOT NULL,
	"bucket" smallint NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "stats_times_dim_month_station_id_value_metric_bucket_pk" PRIMARY KEY("dim","month","station_id","value","metric","bucket")
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "stats_dirty" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "last_satisfaction" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "last_resolved" text;--> statement-breakpoint
ALTER TABLE "case_stat_facts" ADD CONSTRAINT "case_stat_facts_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_stat_facts_day_idx" ON "case_stat_facts" USING btree ("day","station_id");--> statement-breakpoint
CREATE INDEX "cases_stats_dirty_idx" ON "cases" USING btree ("received_at") WHERE stats_dirty;--> statement-breakpoint
-- Time buckets of the published histograms, as (lower, upper] in seconds: 1 minute
-- up to 1 h (1..60), 5 minutes up to 6 h (61..120), 30 minutes up to 3 days
-- (121..252), 6 hours up to 90 days (253..600), then one overflow bucket (601).
-- Not STRICT, so that the planner inlines it (a STRICT SQL function with a CASE
-- body is called per row: seconds, not milliseconds, over a big fold batch).
-- api/domain/stats/buckets.ts holds the same edges for reading the histograms.
CREATE OR REPLACE FUNCTION stats_bucket(seconds integer) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE
    WHEN seconds IS NULL THEN NULL
    WHEN seconds <= 0 THEN 0
    WHEN seconds <= 3600 THEN (seconds + 59) / 60
    WHEN seconds <= 21600 THEN 60 + (seconds - 3600 + 299) / 300
    WHEN seconds <= 259200 THEN 120 + (seconds - 21600 + 1799) / 1800
    WHEN seconds <= 7776000 THEN 252 + (seconds - 259200 + 21599) / 21600
    ELSE 601
  END)::smallint
$$;
--> statement-breakpoint
-- Seconds from one instant to another, for the time histograms: never negative
-- (a case entered after the fact), NULL while the second instant is NULL.
CREATE OR REPLACE FUNCTION stats_seconds(since timestamptz, until timestamptz) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN since IS NULL OR until IS NULL THEN NULL
    ELSE least(greatest(0, floor(extract(epoch FROM until - since))), 2000000000)::integer END
$$;
--> statement-breakpoint
-- Every write to a case marks it for the stats fold, except the fold's own
-- write that clears the mark (true -> false). Intake pays one flag, never a
-- counter row shared with every other filing of the day.
CREATE OR REPLACE FUNCTION cases_mark_stats_dirty() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.stats_dirty AND NOT NEW.stats_dirty THEN
    RETURN NEW;
  END IF;
  NEW.stats_dirty := true;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER cases_stats_dirty
  BEFORE INSERT OR UPDATE ON cases
  FOR EACH ROW EXECUTE FUNCTION cases_mark_stats_dirty();
--> statement-breakpoint
-- A case's evaluation figures come from its latest evaluation (by evaluated_at,
-- then id), from the citizen or from 12345's follow-up: kept on the case by
-- this trigger, so every path that records an evaluation is covered.
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
    UPDATE cases SET (last_satisfaction, last_resolved) = (
      SELECT e.satisfaction::text, e.resolved::text FROM evaluations e
      WHERE e.case_id = target ORDER BY e.evaluated_at DESC, e.id DESC LIMIT 1)
    WHERE id = target;
  END LOOP;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER evaluations_latest
  AFTER INSERT OR UPDATE OR DELETE ON evaluations
  FOR EACH ROW EXECUTE FUNCTION evaluations_latest_to_case();
--> statement-breakpoint
UPDATE cases c SET last_satisfaction = l.satisfaction::text, last_resolved = l.resolved::text
FROM (
  SELECT DISTINCT ON (case_id) case_id, satisfaction, resolved FROM evaluations
  ORDER BY case_id, evaluated_at DESC, id DESC
) l
WHERE c.id = l.case_id;
