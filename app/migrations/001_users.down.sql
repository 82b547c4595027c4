-- Down step of 001_users.sql: the table it created (and with it every user row).
drop table if exists users;
