-- Roles of docs/audit.md ("Roles"), created once when the PostgreSQL volume is new.
-- mypatients_owner owns the schema and runs the migrations (MIGRATION_DATABASE_URL);
-- mypatients_app is what the service runs as (DATABASE_URL): a member of mypatients_runtime, which
-- the migrations grant ordinary rights on every table but only INSERT/SELECT on the audit tables,
-- and which owns nothing (no DDL, cannot disable the audit triggers).
CREATE ROLE mypatients_runtime NOLOGIN;
CREATE ROLE mypatients_owner LOGIN PASSWORD 'owner-dev-only';
CREATE ROLE mypatients_app LOGIN PASSWORD 'app-dev-only' IN ROLE mypatients_runtime;
CREATE DATABASE mypatients OWNER mypatients_owner;
\connect mypatients
ALTER SCHEMA public OWNER TO mypatients_owner;
