-- The rollups' second shape: coarser time buckets (52 round edges instead of 600,
-- so that a year of histograms is small enough to read per request), station 0
-- for all stations, and keys that lead with (dim, station) so a read is one
-- index range. The rollups are derived data: emptied here and rebuilt by the
-- stats fold from every case, all marked dirty below.
TRUNCATE stats_daily, stats_times, case_stat_facts;
--> statement-breakpoint
ALTER TABLE "stats_daily" DROP CONSTRAINT "stats_daily_dim_day_station_id_value_pk";--> statement-breakpoint
ALTER TABLE "stats_times" DROP CONSTRAINT "stats_times_dim_month_station_id_value_metric_bucket_pk";--> statement-breakpoint
-- The keys carry the counters (INCLUDE), so a read is an index-only scan: drizzle-kit
-- cannot say INCLUDE, and compares a primary key by name and columns only.
ALTER TABLE "stats_daily" ADD CONSTRAINT "stats_daily_dim_station_id_day_value_pk" PRIMARY KEY("dim","station_id","day","value")
  INCLUDE ("received","returned","closed","closed_on_time","assigned","acknowledged_on_time","evaluated","resolved","satisfied");--> statement-breakpoint
ALTER TABLE "stats_times" ADD CONSTRAINT "stats_times_dim_station_id_month_value_metric_bucket_pk" PRIMARY KEY("dim","station_id","month","value","metric","bucket")
  INCLUDE ("count");
--> statement-breakpoint
-- The bucket of a duration (seconds) in the published time histograms: 0 for
-- zero, then (lower, upper] between round durations 20-33 % apart, from 1
-- minute to 90 days, then one overflow bucket (53). Not STRICT, so that the
-- planner inlines it into the fold's statements. api/domain/stats/buckets.ts
-- holds the same edges; a test checks they agree.
CREATE OR REPLACE FUNCTION stats_bucket(seconds integer) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE
    WHEN seconds IS NULL THEN NULL
    WHEN seconds <= 0 THEN 0
    ELSE width_bucket(seconds, ARRAY[1, 61, 121, 181, 241, 301, 361, 481, 601, 721, 901, 1201, 1501, 1801, 2401, 3001, 3601, 4501, 5401, 7201, 9001, 10801, 14401, 18001, 21601, 28801, 36001, 43201, 54001, 64801, 86401, 108001, 129601, 172801, 216001, 259201, 345601, 432001, 518401, 604801, 691201, 864001, 1036801, 1209601, 1468801, 1814401, 2160001, 2592001, 3110401, 3888001, 5184001, 6480001, 7776001])
  END)::smallint
$$;
--> statement-breakpoint
UPDATE cases SET stats_dirty = true WHERE NOT stats_dirty;
