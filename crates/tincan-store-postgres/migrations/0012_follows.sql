-- Follows: one row per follower and followee, with when the follow was made. The primary key
-- reads a user's followings; the index by followee reads its followers, so that neither list
-- nor count scans the table.

create table follow (
    sdkappid bigint not null,
    follower text collate "C" not null,
    followee text collate "C" not null,
    follow_time bigint not null,
    primary key (sdkappid, follower, followee)
);
create index follow_by_followee on follow (sdkappid, followee, follower);
