CREATE TYPE "public"."resolution" AS ENUM('yes', 'partial', 'no');--> statement-breakpoint
CREATE TYPE "public"."satisfaction" AS ENUM('very_satisfied', 'satisfied', 'basic', 'dissatisfied');--> statement-breakpoint
CREATE TABLE "evaluations" (
	"id" serial PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"source" text NOT NULL,
	"reply_round" integer NOT NULL,
	"satisfaction" "satisfaction" NOT NULL,
	"resolved" "resolution" NOT NULL,
	"comment" text,
	"evaluated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "evaluations_once_per_reply_uq" ON "evaluations" USING btree ("case_id","source","reply_round");