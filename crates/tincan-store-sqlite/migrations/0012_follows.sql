-- Follows: one row per follower and followee, with when the follow was made. The primary key
-- reads a user's followings; the index by followee reads its followers, so that neither list
-- nor count scans the table.

create table follow (
    sdkappid integer not null,
    follower text not null,
    followee text not null,
    follow_time integer not null,
    primary key (sdkappid, follower, followee)
) without rowid;
create index follow_by_followee on follow (sdkappid, followee, follower);
