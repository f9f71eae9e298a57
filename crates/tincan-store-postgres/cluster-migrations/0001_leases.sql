-- The cluster's tables: shard leases with their epochs, the live nodes, and the fencing check
-- every fenced batch runs first. Times are the database's, so nodes' clocks need not agree.

create table cluster_lease (
    shard bigint primary key,
    node text collate "C",
    epoch bigint not null,
    expires_at timestamptz not null
);

create table cluster_node (
    node text collate "C" primary key,
    address text not null,
    expires_at timestamptz not null
);

-- Locks the lease rows of the given shards that still have the given epochs (`for share`, in
-- shard order, until the batch's transaction ends, so that nobody takes one over before the batch
-- commits), and fails with SQLSTATE TNF01 naming the first shard whose epoch has moved on. It
-- also ends the transaction should the writer stop answering (paused or partitioned) with the
-- locks held, so that a takeover waits for a live writer only.
create function tincan_fence(shards bigint[], epochs bigint[], idle_timeout text) returns void
language plpgsql as $$
declare
    held bigint;
    stale record;
begin
    perform set_config('idle_in_transaction_session_timeout', idle_timeout, true);
    select count(*) into held from (
        select 1 from cluster_lease l
        join unnest(shards, epochs) as f(shard, epoch) on l.shard = f.shard and l.epoch = f.epoch
        order by l.shard
        for share of l
    ) as locked;
    if held < cardinality(shards) then
        select f.shard, f.epoch into stale
        from unnest(shards, epochs) as f(shard, epoch)
        where not exists (select 1 from cluster_lease l where l.shard = f.shard and l.epoch = f.epoch)
        order by f.shard
        limit 1;
        raise exception 'the lease of shard % is no longer at epoch %', stale.shard, stale.epoch
            using errcode = 'TNF01', detail = stale.shard || ':' || stale.epoch;
    end if;
end;
$$;
