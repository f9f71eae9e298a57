-- Each user's own settings of its conversations, and each user's list of conversation groups.
-- A row exists only while something is set; `groups` and `names` hold names one per line.

create table conv_settings (
    sdkappid bigint not null,
    user_id text collate "C" not null,
    conv_type bigint not null,
    conv_key text collate "C" not null,
    created_at bigint not null,
    deleted_seq bigint,
    cleared_seq bigint not null,
    draft bytea not null,
    pinned boolean not null,
    marks bigint not null,
    custom_data bytea not null,
    groups text not null,
    primary key (sdkappid, user_id, conv_type, conv_key)
);

create index conv_settings_by_conv on conv_settings (sdkappid, conv_type, conv_key);

create table conv_group_list (
    sdkappid bigint not null,
    user_id text collate "C" not null,
    names text not null,
    primary key (sdkappid, user_id)
);
