-- The relationship chain: friendships (one row per direction), pending friend requests, the
-- blocklist, and each user's friend groups and request read time. Friend groups are stored as
-- names joined by line breaks and custom friend fields as length-prefixed pairs (see
-- `codec::custom_to_bytes`), as bytes like all text a user typed. Apps gain the two settings
-- C2C messaging checks them with; existing apps keep TIM's defaults (no friendship needed, a
-- blocked sender told nothing).

create table friend (
    sdkappid bigint not null,
    owner text collate "C" not null,
    peer text collate "C" not null,
    remark bytea not null,
    groups bytea not null,
    custom bytea not null,
    add_source bytea not null,
    add_wording bytea not null,
    add_time bigint not null,
    primary key (sdkappid, owner, peer)
);
create index friend_by_peer on friend (sdkappid, peer);

create table friend_request (
    sdkappid bigint not null,
    from_user text collate "C" not null,
    to_user text collate "C" not null,
    remark bytea not null,
    group_name bytea not null,
    add_source bytea not null,
    add_wording bytea not null,
    add_time bigint not null,
    primary key (sdkappid, from_user, to_user)
);
create index friend_request_by_receiver on friend_request (sdkappid, to_user);

create table friend_block (
    sdkappid bigint not null,
    owner text collate "C" not null,
    peer text collate "C" not null,
    blocked_at bigint not null,
    primary key (sdkappid, owner, peer)
);
create index friend_block_by_peer on friend_block (sdkappid, peer);

create table friend_meta (
    sdkappid bigint not null,
    owner text collate "C" not null,
    groups bytea not null,
    pendency_read_time bigint not null,
    primary key (sdkappid, owner)
);

alter table app add column c2c_requires_friendship boolean not null default false;
alter table app add column blocked_send_fails boolean not null default false;
