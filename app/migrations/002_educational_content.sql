-- One generated piece of educational content with the quality scores it was stored with.
create table if not exists educational_content (
  id                        integer generated always as identity primary key,
  user_id                   text references users(id) on delete cascade,
  topic                     text not null,
  content_type              text not null check (content_type in (
                              'master_outline', 'podcast_script', 'study_guide', 'one_pager_summary',
                              'detailed_reading', 'faq', 'flashcards', 'reading_questions')),
  audience_level            text not null default 'general',
  content                   text not null,
  provider                  text not null,
  quality_score             real not null check (quality_score between 0 and 1),
  educational_effectiveness real not null check (educational_effectiveness between 0 and 1),
  factual_accuracy          real not null check (factual_accuracy between 0 and 1),
  quality_passed            boolean not null,
  generation_duration_ms    integer not null check (generation_duration_ms >= 0),
  created_at                timestamptz not null default now()
);
create index if not exists educational_content_type_id on educational_content (content_type, id desc);
create index if not exists educational_content_user on educational_content (user_id);
