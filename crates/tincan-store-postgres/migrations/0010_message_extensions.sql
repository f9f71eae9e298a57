-- Message extensions (TIMMsgSetMessageExtensions): whether a message takes them, as its sender
-- said, and its keys, each with its version; a deleted key keeps its row (deleted true) so that
-- a change made from before the deletion is still recognised as stale. Keys and values are
-- bytes, as all text a user typed.

alter table message add column supports_extensions boolean not null default false;

create table message_extension (
    sdkappid bigint not null,
    conv_type bigint not null,
    conv_key text collate "C" not null,
    seq bigint not null,
    key bytea not null,
    value bytea not null,
    key_seq bigint not null,
    deleted boolean not null,
    primary key (sdkappid, conv_type, conv_key, seq, key)
);

-- A user's receive option of a conversation (TIMMsgSetC2CReceiveMessageOpt,
-- TIMMsgSetGroupReceiveMessageOpt), kept with its other settings of the conversation.

alter table conv_settings add column recv_opt bigint not null default 0;

-- An app's own revoke time limit in seconds (TIM's console setting); 0 keeps the server's.

alter table app add column revoke_time_limit bigint not null default 0;
