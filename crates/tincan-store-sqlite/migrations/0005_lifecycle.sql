-- What happens to a message after it is stored: revoked (by whom, why), modified (how many
-- times), and the event position of its latest revision, from which a device that resumes
-- from before it is told again.

alter table message add column revoked_by text;
alter table message add column revoke_reason text not null default '';
alter table message add column version integer not null default 0;
alter table message add column revised_pos integer not null default 0;

create index message_revised on message (sdkappid, conv_type, conv_key, revised_pos) where revised_pos > 0;

-- Messages a user deleted for itself (TIMMsgDelete): hidden from its history only.
create table hidden_message (
    sdkappid integer not null,
    user_id text not null,
    conv_type integer not null,
    conv_key text not null,
    seq integer not null,
    primary key (sdkappid, user_id, conv_type, conv_key, seq)
) without rowid;
