-- The two roles and the database, run once by the PostgreSQL superuser:
--   sudo -u postgres psql -v owner_password="'…'" -v app_password="'…'" -f roles.sql
-- solidarity_owner owns the database and every table; only `manage.py migrate`
-- (solidarity-migrate.service, DATABASE_OWNER_URL) connects as it.
-- solidarity_app is the runtime role (DATABASE_URL): no superuser, owns nothing; migrate
-- grants it full access to ordinary tables and only SELECT and INSERT on the ledger,
-- public log and audit log (manage.py grant_runtime_role). docs/deployment.md.
CREATE ROLE solidarity_owner LOGIN PASSWORD :owner_password NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE solidarity_app LOGIN PASSWORD :app_password NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE DATABASE solidarity OWNER solidarity_owner;
-- PostgreSQL 15 lets only the database owner create in schema public; say so anyway.
\connect solidarity
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
