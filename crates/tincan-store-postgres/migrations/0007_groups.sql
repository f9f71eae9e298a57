-- Group profiles gain mute-all, visibility, searchability and custom fields, members a name
-- card, a mute end and custom fields (length-prefixed pairs, as in the embedded store); groups
-- whose add option is Auth keep their pending join requests, and users when they last read them.

alter table grp add column shutup_all boolean not null default false;
alter table grp add column visible bigint not null default 1;
alter table grp add column searchable bigint not null default 1;
alter table grp add column custom bytea not null default ''::bytea;

alter table group_member add column name_card bytea not null default ''::bytea;
alter table group_member add column shutup_until bigint not null default 0;
alter table group_member add column custom bytea not null default ''::bytea;

create table group_join_request (
    sdkappid bigint not null,
    group_id text collate "C" not null,
    user_id text collate "C" not null,
    add_time bigint not null,
    message bytea not null,
    primary key (sdkappid, group_id, user_id)
);

create table group_pendency_read (
    sdkappid bigint not null,
    user_id text collate "C" not null,
    read_time bigint not null,
    primary key (sdkappid, user_id)
);
