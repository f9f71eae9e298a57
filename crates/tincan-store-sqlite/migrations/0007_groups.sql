-- Group profiles gain mute-all, visibility, searchability and custom fields, and members gain
-- a name card, a mute end and custom fields; groups whose add option is Auth keep their pending
-- join requests, and users when they last read them. Custom fields are stored as length-prefixed text
-- (see `codec::custom_to_sql`); existing groups stay visible and searchable, and nobody muted.

alter table grp add column shutup_all integer not null default 0;
alter table grp add column visible integer not null default 1;
alter table grp add column searchable integer not null default 1;
alter table grp add column custom text not null default '';

alter table group_member add column name_card text not null default '';
alter table group_member add column shutup_until integer not null default 0;
alter table group_member add column custom text not null default '';

create table group_join_request (
    sdkappid integer not null,
    group_id text not null,
    user_id text not null,
    add_time integer not null,
    message text not null,
    primary key (sdkappid, group_id, user_id)
) without rowid;

create table group_pendency_read (
    sdkappid integer not null,
    user_id text not null,
    read_time integer not null,
    primary key (sdkappid, user_id)
) without rowid;
