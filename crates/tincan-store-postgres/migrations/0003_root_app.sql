-- The app whose administrator manages the server is a stored fact; a database from before it
-- keeps the app that was root until then: the first by creation time, then SDKAppID.

alter table app add column root boolean not null default false;

update app set root = true
where sdkappid = (select sdkappid from app order by created_at, sdkappid limit 1);
