-- Named bytes beside the store (uploaded media and their descriptions), which every node of a
-- cluster reads: the node that serves after a takeover finds what was uploaded before it.
create table cluster_blob (
    sdkappid bigint not null,
    id text collate "C" not null,
    name text collate "C" not null,
    bytes bytea not null,
    primary key (sdkappid, id, name)
);

-- Media is mostly compressed already: kept out of line, without spending CPU on compressing it.
alter table cluster_blob alter column bytes set storage external;
