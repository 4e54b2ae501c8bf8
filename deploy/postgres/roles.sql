-- The district database with least privilege: run once as a superuser, on the central server.
--
--   psql -X -v ON_ERROR_STOP=1 -U postgres -f deploy/postgres/roles.sql
--   psql ... -v db=kiosk -v owner=kiosk_owner -v kiosk=kiosk -v verifier=kiosk_verify  (the defaults)
--
-- Three roles:
--   owner     owns the database and its tables; runs `kiosk db upgrade`, imports, retention,
--             staff administration, backups. Never configured on a terminal.
--   kiosk     what every terminal connects as: reads the register, writes issuances, print
--             jobs, heartbeats, staff calls, ratings, session logs; may only INSERT audit events.
--   verifier  read-only: `kiosk verify` and the verification page.
-- Then, as the owner: `kiosk --db postgresql://OWNER@HOST/DB db upgrade` and grants.sql.
-- Passwords: `\password kiosk` (and the others) in psql; scram-sha-256 in pg_hba.conf.

\if :{?db}
\else
  \set db kiosk
\endif
\if :{?owner}
\else
  \set owner kiosk_owner
\endif
\if :{?kiosk}
\else
  \set kiosk kiosk
\endif
\if :{?verifier}
\else
  \set verifier kiosk_verify
\endif

SELECT format('CREATE ROLE %I LOGIN', r) FROM unnest(ARRAY[:'owner', :'kiosk', :'verifier']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec

-- Server-side limits for terminals (per role: they hold behind PgBouncer too). A terminal that
-- vanished mid-transaction (power cut) must not hold the serial counter of its community.
ALTER ROLE :"kiosk" SET statement_timeout = '30s';
ALTER ROLE :"kiosk" SET lock_timeout = '10s';
ALTER ROLE :"kiosk" SET idle_in_transaction_session_timeout = '60s';
ALTER ROLE :"verifier" SET default_transaction_read_only = on;
ALTER ROLE :"verifier" SET statement_timeout = '10s';

SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8''', :'db', :'owner')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec

REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"owner", :"kiosk", :"verifier";

\connect :"db"
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"kiosk", :"verifier";
