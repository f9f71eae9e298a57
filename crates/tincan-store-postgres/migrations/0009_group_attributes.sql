-- Groups gain custom attributes (TIM's group attributes: at most 16 keys and 16 KB each group)
-- and counters (TIM's group counters: at most 20 signed 64-bit integers each group), one row a
-- key; keys and attribute values are bytes, as all text a user typed. Both go with their group
-- when its ID is taken by a new group.

create table group_attribute (
    sdkappid bigint not null,
    group_id text collate "C" not null,
    attr_key bytea not null,
    attr_value bytea not null,
    primary key (sdkappid, group_id, attr_key)
);

create table group_counter (
    sdkappid bigint not null,
    group_id text collate "C" not null,
    counter_key bytea not null,
    counter_value bigint not null,
    primary key (sdkappid, group_id, counter_key)
);

-- Users banned from a group (REST ban_group_member) until a time, in seconds.
create table group_ban (
    sdkappid bigint not null,
    group_id text collate "C" not null,
    user_id text collate "C" not null,
    until bigint not null,
    primary key (sdkappid, group_id, user_id)
);
