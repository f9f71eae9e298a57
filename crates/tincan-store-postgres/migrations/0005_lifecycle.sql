-- What happens to a message after it is stored (revoked, modified) and the position of its
-- latest revision; messages a user deleted for itself.

alter table message add column revoked_by text collate "C";
alter table message add column revoke_reason bytea not null default ''::bytea;
alter table message add column version bigint not null default 0;
alter table message add column revised_pos bigint not null default 0;

create index message_revised on message (sdkappid, conv_type, conv_key, revised_pos) where revised_pos > 0;

create table hidden_message (
    sdkappid bigint not null,
    user_id text collate "C" not null,
    conv_type bigint not null,
    conv_key text collate "C" not null,
    seq bigint not null,
    primary key (sdkappid, user_id, conv_type, conv_key, seq)
);
