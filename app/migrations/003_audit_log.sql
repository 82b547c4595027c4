-- Who did what to whose data. Rows outlive their subject on purpose (GDPR erasure is itself
-- recorded), so there is no foreign key to users.
create table if not exists audit_log (
  id          bigint generated always as identity primary key,
  action      text not null,
  subject_type text not null,
  subject_id  text not null,
  details     jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now()
);
create index if not exists audit_log_subject on audit_log (subject_type, subject_id);
