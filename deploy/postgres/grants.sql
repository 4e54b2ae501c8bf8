-- What the kiosk and verifier roles may do, table by table: run as the owner after every
-- `kiosk db upgrade` (it is idempotent).
--
--   psql -X -v ON_ERROR_STOP=1 -U kiosk_owner -d kiosk -f deploy/postgres/grants.sql
--
-- Audit events are append-only for everyone: the kiosk role has no UPDATE, DELETE or TRUNCATE
-- on them, and a trigger refuses those to any role, the owner included (a migration that must
-- rewrite audit rows disables it explicitly: ALTER TABLE audit_events DISABLE TRIGGER ...).

\if :{?kiosk}
\else
  \set kiosk kiosk
\endif
\if :{?verifier}
\else
  \set verifier kiosk_verify
\endif

-- everybody reads; nobody but the owner writes what is not listed below
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM :"kiosk", :"verifier";
GRANT SELECT ON ALL TABLES IN SCHEMA public TO :"kiosk", :"verifier";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO :"kiosk", :"verifier";

-- a terminal's writes
GRANT INSERT, UPDATE ON terminals, serial_counters, issuances, print_jobs, audit_heads,
    staff_calls TO :"kiosk";
GRANT UPDATE ON staff_accounts TO :"kiosk";  -- failed attempts and locks; accounts are the owner's
GRANT INSERT ON audit_events, ratings, session_log TO :"kiosk";
-- `kiosk retention purge` (community-kiosk-retention.timer) runs on terminals as this role
GRANT DELETE ON ratings, session_log TO :"kiosk";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"kiosk";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"kiosk";

-- audit rows: never changed, never removed
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC, :"kiosk", :"verifier";

CREATE OR REPLACE FUNCTION kiosk_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION kiosk_audit_append_only();
DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events;
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION kiosk_audit_append_only();
