-- The people content is generated for. `id` is the caller's own user id (opaque text),
-- so clients never need a separate sign-up call before generating.
create table if not exists users (
  id          text primary key,
  created_at  timestamptz not null default now()
);
