-- The app whose administrator manages the server (lists and creates apps, reaches any app from
-- the console) is a stored fact rather than whichever app sorts first. An existing data
-- directory keeps the app that was root until now: the first by creation time, then SDKAppID.

alter table app add column root integer not null default 0;

update app set root = 1
where sdkappid = (select sdkappid from app order by created_at, sdkappid limit 1);
