-- Groups gain custom attributes (TIM's group attributes: at most 16 keys and 16 KB each group)
-- and counters (TIM's group counters: at most 20 signed 64-bit integers each group), one row a
-- key. Both go with their group when its ID is taken by a new group.

create table group_attribute (
    sdkappid integer not null,
    group_id text not null,
    attr_key text not null,
    attr_value text not null,
    primary key (sdkappid, group_id, attr_key)
) without rowid;

create table group_counter (
    sdkappid integer not null,
    group_id text not null,
    counter_key text not null,
    counter_value integer not null,
    primary key (sdkappid, group_id, counter_key)
) without rowid;

-- Users banned from a group (REST ban_group_member) until a time, in seconds.
create table group_ban (
    sdkappid integer not null,
    group_id text not null,
    user_id text not null,
    until integer not null,
    primary key (sdkappid, group_id, user_id)
) without rowid;
