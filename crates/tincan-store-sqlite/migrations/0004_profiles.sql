-- Users' profiles (TIM's standard fields and app-defined string fields) and their
-- subscriptions to other users' profile and status changes. A row exists once a user changed
-- its profile or subscribed to someone; a user without one has TIM's empty profile.

create table profile (
    sdkappid integer not null,
    user_id text not null,
    nick text not null,
    gender integer not null,
    face_url text not null,
    signature text not null,
    add_permission integer not null,
    location text not null,
    language integer not null,
    birthday integer not null,
    level integer not null,
    role integer not null,
    updated_at integer not null,
    primary key (sdkappid, user_id)
) without rowid;

-- App-defined fields, `Tag_Profile_Custom_*`.
create table profile_custom (
    sdkappid integer not null,
    user_id text not null,
    key text not null,
    value text not null,
    primary key (sdkappid, user_id, key)
) without rowid;

-- kind 0: profile changes, 1: status changes; seq orders a user's subscriptions, oldest first.
create table subscription (
    sdkappid integer not null,
    user_id text not null,
    kind integer not null,
    seq integer not null,
    target text not null,
    primary key (sdkappid, user_id, kind, seq)
) without rowid;
