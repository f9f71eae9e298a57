-- Each user's app-wide receive option (TIMMsgSetAllReceiveMessageOpt): a TIMReceiveMessageOpt
-- and its quiet period, daily from a time of day (start_time_stamp 0) or once from a UTC time.
-- A row exists only while the option differs from the default (receive, no period).

create table all_recv_opt (
    sdkappid integer not null,
    user_id text not null,
    level integer not null,
    start_hour integer not null,
    start_minute integer not null,
    start_second integer not null,
    start_time_stamp integer not null,
    duration integer not null,
    primary key (sdkappid, user_id)
) without rowid;
