-- A group's invite option (TIM's approve option, REST InviteJoinOption), a TIMGroupAddOption:
-- 0 no invitations from clients, 1 invitations by ordinary members wait for the owner or an
-- admin, 2 invitations take effect at once (the default, and what every group did before).

alter table grp add column approve_option bigint not null default 2;

-- An invitation waiting for approval shares the table of requests to join: one pending entry per
-- group and user, whose inviter is empty for a request to join and names the member who
-- invited for an invitation.

alter table group_join_request add column inviter text collate "C" not null default '';
