-- Down step of 002_educational_content.sql: the table and its indexes.
drop table if exists educational_content;
