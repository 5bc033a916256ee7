-- pgbench's side of examples/postgres/slots.py: the same transaction (hold one of K advisory
-- locks for a while), with client c always on lock c % K, so the server offers K slots to
-- pgbench's clients as to plateau's workers.
--   pgbench -n -f examples/postgres/slots.sql -D slots=4 -D slot_s=0.020 -c 8 -j 8 -T 5
\set slot :client_id % :slots
BEGIN;
SELECT pg_advisory_xact_lock(:slot);
SELECT pg_sleep(:slot_s);
END;
