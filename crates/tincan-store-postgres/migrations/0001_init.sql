-- The first schema, as the embedded store's 0001 with PostgreSQL's types: every number is a
-- bigint (the domain's u64 values are kept in the same 63 bits as in SQLite, and numbers whose
-- whole 64-bit range matters as the same bits), flags are booleans, identifiers and keys are
-- text compared byte by byte (collate "C", as SQLite compares), and text a user typed is kept
-- as its UTF-8 bytes (bytea), since PostgreSQL's text cannot hold the character U+0000.
-- Conversations are (conv_type, conv_key): 1 and "low\nhigh" for a C2C pair, 2 and the group ID.

create table meta (
    key text collate "C" primary key,
    value bigint not null
);

create table app (
    sdkappid bigint primary key,
    secret_key bytea not null,
    admin_identifier text collate "C" not null,
    plan text not null,
    receipt_group_types text not null,
    receipt_coalesce_window_ms bigint not null,
    receipt_group_members_max bigint not null,
    created_at bigint not null
);

create table account (
    sdkappid bigint not null,
    user_id text collate "C" not null,
    tiny_id bigint not null,
    created_at bigint not null,
    receipt_private boolean not null,
    primary key (sdkappid, user_id)
);

create unique index account_tiny_id on account (tiny_id);

create table grp (
    sdkappid bigint not null,
    group_id text collate "C" not null,
    group_type bigint not null,
    name bytea not null,
    introduction bytea not null,
    notification bytea not null,
    face_url bytea not null,
    add_option bigint not null,
    max_member_num bigint not null,
    owner text collate "C",
    created_at bigint not null,
    info_seq bigint not null,
    next_index bigint not null,
    dismissed_at bigint,
    primary key (sdkappid, group_id)
);

create table group_member (
    sdkappid bigint not null,
    group_id text collate "C" not null,
    member_index bigint not null,
    user_id text collate "C" not null,
    role bigint not null,
    join_seq bigint not null,
    join_time bigint not null,
    join_pos bigint not null,
    leave_seq bigint,
    leave_pos bigint,
    primary key (sdkappid, group_id, member_index)
);

create index group_member_by_user on group_member (sdkappid, user_id);

-- The message's event position is unique on the server.
create table message (
    pos bigint primary key,
    sdkappid bigint not null,
    conv_type bigint not null,
    conv_key text collate "C" not null,
    seq bigint not null,
    msg_id text collate "C" not null,
    sender text collate "C" not null,
    rand bigint not null,
    client_time bigint not null,
    server_time bigint not null,
    need_receipt boolean not null,
    excluded boolean not null,
    priority bigint not null,
    platform bigint not null,
    first_elem_type bigint not null,
    body text not null,
    cloud_custom bytea not null,
    custom_int bigint not null,
    custom_str bytea not null,
    receipt_read_at bigint not null,
    receipt_private boolean not null
);

create unique index message_by_seq on message (sdkappid, conv_type, conv_key, seq);
create unique index message_by_msg_id on message (sdkappid, msg_id);
create index message_by_pos on message (sdkappid, conv_type, conv_key, pos);
create index message_excluded on message (sdkappid) where excluded;

create table read_state (
    sdkappid bigint not null,
    user_id text collate "C" not null,
    conv_type bigint not null,
    conv_key text collate "C" not null,
    read_seq bigint not null,
    read_time bigint not null,
    published_seq bigint not null,
    published_time bigint not null,
    primary key (sdkappid, user_id, conv_type, conv_key)
);

create table group_receipt (
    sdkappid bigint not null,
    group_id text collate "C" not null,
    seq bigint not null,
    sender_index bigint,
    index_bound bigint not null,
    readers bytea not null,
    private_readers bytea not null,
    primary key (sdkappid, group_id, seq)
);

create table user_event (
    sdkappid bigint not null,
    user_id text collate "C" not null,
    pos bigint not null,
    kind text not null,
    conv_type bigint not null,
    conv_key text collate "C" not null,
    seq bigint not null,
    payload text not null,
    primary key (sdkappid, user_id, pos)
);
