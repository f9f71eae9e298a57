-- The first schema of the embedded store.
-- Conversations are stored as (conv_type, conv_key): 1 and "low\nhigh" for a C2C pair (user IDs
-- are printable ASCII, so a newline cannot occur in them), 2 and the group ID for a group.
-- Times are UNIX seconds; positions are the server's event positions.

create table meta (
    key text primary key,
    value integer not null
);

create table app (
    sdkappid integer primary key,
    secret_key text not null,
    admin_identifier text not null,
    plan text not null,
    receipt_group_types text not null,
    receipt_coalesce_window_ms integer not null,
    receipt_group_members_max integer not null,
    created_at integer not null
);

create table account (
    sdkappid integer not null,
    user_id text not null,
    tiny_id integer not null,
    created_at integer not null,
    receipt_private integer not null,
    primary key (sdkappid, user_id)
) without rowid;

create unique index account_tiny_id on account (tiny_id);

create table grp (
    sdkappid integer not null,
    group_id text not null,
    group_type integer not null,
    name text not null,
    introduction text not null,
    notification text not null,
    face_url text not null,
    add_option integer not null,
    max_member_num integer not null,
    owner text,
    created_at integer not null,
    info_seq integer not null,
    next_index integer not null,
    dismissed_at integer,
    primary key (sdkappid, group_id)
) without rowid;

create table group_member (
    sdkappid integer not null,
    group_id text not null,
    member_index integer not null,
    user_id text not null,
    role integer not null,
    join_seq integer not null,
    join_time integer not null,
    join_pos integer not null,
    leave_seq integer,
    leave_pos integer,
    primary key (sdkappid, group_id, member_index)
) without rowid;

create index group_member_by_user on group_member (sdkappid, user_id);

-- The rowid is the message's event position, which is unique on the server.
create table message (
    pos integer primary key,
    sdkappid integer not null,
    conv_type integer not null,
    conv_key text not null,
    seq integer not null,
    msg_id text not null,
    sender text not null,
    rand integer not null,
    client_time integer not null,
    server_time integer not null,
    need_receipt integer not null,
    excluded integer not null,
    priority integer not null,
    platform integer not null,
    first_elem_type integer not null,
    body text not null,
    cloud_custom text not null,
    custom_int integer not null,
    custom_str text not null,
    receipt_read_at integer not null,
    receipt_private integer not null
);

create unique index message_by_seq on message (sdkappid, conv_type, conv_key, seq);
create unique index message_by_msg_id on message (sdkappid, msg_id);
create index message_by_pos on message (sdkappid, conv_type, conv_key, pos);
create index message_excluded on message (sdkappid) where excluded = 1;

create table read_state (
    sdkappid integer not null,
    user_id text not null,
    conv_type integer not null,
    conv_key text not null,
    read_seq integer not null,
    read_time integer not null,
    published_seq integer not null,
    published_time integer not null,
    primary key (sdkappid, user_id, conv_type, conv_key)
) without rowid;

create table group_receipt (
    sdkappid integer not null,
    group_id text not null,
    seq integer not null,
    sender_index integer,
    index_bound integer not null,
    readers blob not null,
    private_readers blob not null,
    primary key (sdkappid, group_id, seq)
) without rowid;

create table user_event (
    sdkappid integer not null,
    user_id text not null,
    pos integer not null,
    kind text not null,
    conv_type integer not null,
    conv_key text not null,
    seq integer not null,
    payload text not null,
    primary key (sdkappid, user_id, pos)
) without rowid;
