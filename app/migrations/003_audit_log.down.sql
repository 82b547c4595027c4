-- Down step of 003_audit_log.sql: the table and its index.
drop table if exists audit_log;
