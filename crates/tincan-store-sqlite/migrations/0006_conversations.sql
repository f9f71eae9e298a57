-- Each user's own settings of its conversations (deleted, cleared, draft, pin, marks, custom
-- data, conversation groups), and each user's list of conversation groups.
-- A row exists only while something is set. `deleted_seq` is null for a conversation that is
-- not deleted; `groups` holds the names of the conversation groups, one per line (names have
-- no control characters).

create table conv_settings (
    sdkappid integer not null,
    user_id text not null,
    conv_type integer not null,
    conv_key text not null,
    created_at integer not null,
    deleted_seq integer,
    cleared_seq integer not null,
    draft text not null,
    pinned integer not null,
    marks integer not null,
    custom_data text not null,
    groups text not null,
    primary key (sdkappid, user_id, conv_type, conv_key)
) without rowid;

create index conv_settings_by_conv on conv_settings (sdkappid, conv_type, conv_key);

create table conv_group_list (
    sdkappid integer not null,
    user_id text not null,
    names text not null,
    primary key (sdkappid, user_id)
) without rowid;
