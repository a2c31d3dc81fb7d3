-- The case timeline is append-only: no code path, and no operator at a SQL prompt,
-- may rewrite or remove what happened to a case.
CREATE OR REPLACE FUNCTION case_events_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'case_events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER case_events_no_update_delete
  BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION case_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER case_events_no_truncate
  BEFORE TRUNCATE ON case_events
  FOR EACH STATEMENT EXECUTE FUNCTION case_events_refuse_change();
