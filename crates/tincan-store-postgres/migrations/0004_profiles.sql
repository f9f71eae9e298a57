-- Users' profiles (TIM's standard fields and app-defined fields) and their subscriptions to
-- other users' profile and status changes. A row exists once a user changed its profile or
-- subscribed to someone.

create table profile (
    sdkappid bigint not null,
    user_id text collate "C" not null,
    nick bytea not null,
    gender bigint not null,
    face_url bytea not null,
    signature bytea not null,
    add_permission bigint not null,
    location bytea not null,
    language bigint not null,
    birthday bigint not null,
    level bigint not null,
    role bigint not null,
    updated_at bigint not null,
    primary key (sdkappid, user_id)
);

-- App-defined fields, `Tag_Profile_Custom_*`, ordered by key byte by byte.
create table profile_custom (
    sdkappid bigint not null,
    user_id text collate "C" not null,
    key bytea not null,
    value bytea not null,
    primary key (sdkappid, user_id, key)
);

-- kind 0: profile changes, 1: status changes; seq orders a user's subscriptions, oldest first.
create table subscription (
    sdkappid bigint not null,
    user_id text collate "C" not null,
    kind bigint not null,
    seq bigint not null,
    target text collate "C" not null,
    primary key (sdkappid, user_id, kind, seq)
);
