-- The relationship chain: friendships (one row per direction), pending friend requests, the
-- blocklist, and each user's friend groups and request read time. Friend groups are stored as
-- names joined by line breaks (a name has none) and custom friend fields as length-prefixed
-- text (see `codec::custom_to_sql`). Apps gain the two settings C2C messaging checks them with;
-- existing apps keep TIM's defaults (no friendship needed, a blocked sender told nothing).

create table friend (
    sdkappid integer not null,
    owner text not null,
    peer text not null,
    remark text not null,
    groups text not null,
    custom text not null,
    add_source text not null,
    add_wording text not null,
    add_time integer not null,
    primary key (sdkappid, owner, peer)
) without rowid;
create index friend_by_peer on friend (sdkappid, peer);

create table friend_request (
    sdkappid integer not null,
    from_user text not null,
    to_user text not null,
    remark text not null,
    group_name text not null,
    add_source text not null,
    add_wording text not null,
    add_time integer not null,
    primary key (sdkappid, from_user, to_user)
) without rowid;
create index friend_request_by_receiver on friend_request (sdkappid, to_user);

create table friend_block (
    sdkappid integer not null,
    owner text not null,
    peer text not null,
    blocked_at integer not null,
    primary key (sdkappid, owner, peer)
) without rowid;
create index friend_block_by_peer on friend_block (sdkappid, peer);

create table friend_meta (
    sdkappid integer not null,
    owner text not null,
    groups text not null,
    pendency_read_time integer not null,
    primary key (sdkappid, owner)
) without rowid;

alter table app add column c2c_requires_friendship integer not null default 0;
alter table app add column blocked_send_fails integer not null default 0;
