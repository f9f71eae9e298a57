-- The cluster's ID, made once with the cluster's tables: every NATS subject a node listens on
-- names it, so that clusters sharing one NATS server never take each other's messages, whatever
-- their nodes are called.
create table cluster_identity (
    only_row boolean primary key default true check (only_row),
    id text collate "C" not null
);

insert into cluster_identity (id) values (substr(md5(random()::text || clock_timestamp()::text), 1, 16));
