-- Webhooks: each app's callback URL and enabled commands, and the queue of events waiting to
-- be delivered (written in the same transaction as the change they report).

alter table app add column callback_url text not null default '';
alter table app add column callback_commands text not null default '';

create table callback_queue (
    id integer primary key autoincrement,
    sdkappid integer not null,
    command text not null,
    event text not null,
    enqueued_at integer not null,
    attempts integer not null,
    next_at integer not null
);

create index callback_queue_due on callback_queue (next_at, id);
