-- Each user's app-wide receive option (TIMMsgSetAllReceiveMessageOpt): a TIMReceiveMessageOpt
-- and its quiet period, daily from a time of day (start_time_stamp 0) or once from a UTC time.
-- A row exists only while the option differs from the default (receive, no period).

create table all_recv_opt (
    sdkappid bigint not null,
    user_id text collate "C" not null,
    level bigint not null,
    start_hour bigint not null,
    start_minute bigint not null,
    start_second bigint not null,
    start_time_stamp bigint not null,
    duration bigint not null,
    primary key (sdkappid, user_id)
);
