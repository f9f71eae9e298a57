-- A conversation's messages by sender, newest first: what the administrator's deletion of a
-- sender's group messages walks, and where a member's own messages are found when its read
-- position moves back.

create index message_by_sender on message (sdkappid, conv_type, conv_key, sender, seq);
