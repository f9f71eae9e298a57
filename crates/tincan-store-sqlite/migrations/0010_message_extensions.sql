-- Message extensions (TIMMsgSetMessageExtensions): whether a message takes them, as its sender
-- said, and its keys, each with its version; a deleted key keeps its row (deleted = 1) so that
-- a change made from before the deletion is still recognised as stale.

alter table message add column supports_extensions integer not null default 0;

create table message_extension (
    sdkappid integer not null,
    conv_type integer not null,
    conv_key text not null,
    seq integer not null,
    key text not null,
    value text not null,
    key_seq integer not null,
    deleted integer not null,
    primary key (sdkappid, conv_type, conv_key, seq, key)
) without rowid;

-- A user's receive option of a conversation (TIMMsgSetC2CReceiveMessageOpt,
-- TIMMsgSetGroupReceiveMessageOpt), kept with its other settings of the conversation.

alter table conv_settings add column recv_opt integer not null default 0;

-- An app's own revoke time limit in seconds (TIM's console setting); 0 keeps the server's.

alter table app add column revoke_time_limit integer not null default 0;
