// Group custom attributes and counters as TIM's Web SDK gives them: initGroupAttributes,
// setGroupAttributes, deleteGroupAttributes, getGroupAttributes with GROUP_ATTRIBUTES_UPDATED, and
// setGroupCounters, increaseGroupCounter, decreaseGroupCounter, getGroupCounters with
// GROUP_COUNTER_UPDATED, to the group's members online.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { loggedIn, rejection, startServer, TencentCloudChat } from "./harness.mjs";

const { EVENT, TYPES } = TencentCloudChat;
const WAIT = 30_000;
let server;

before(async () => {
  server = await startServer();
  await server.importAccounts("alice", "bob", "carol");
});

after(async () => {
  await server?.stop();
});

test("attributes: init, set, delete and get, with GROUP_ATTRIBUTES_UPDATED to the members", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  const carol = await loggedIn(server, "carol");
  try {
    await alice.chat.createGroup({ name: "Stage", type: TYPES.GRP_MEETING, groupID: "stage", memberList: [{ userID: "bob" }] });

    const bobHears = bob.events.next(EVENT.GROUP_ATTRIBUTES_UPDATED, (data) => data.groupID === "stage" && data.groupAttributes.seat1 === "alice", WAIT);
    const init = await alice.chat.initGroupAttributes({ groupID: "stage", groupAttributes: { seat1: "alice", seat2: "bob" } });
    assert.deepEqual(init.data, { groupAttributes: { seat1: "alice", seat2: "bob" } });
    assert.deepEqual((await bobHears).data.groupAttributes, { seat1: "alice", seat2: "bob" });

    const afterSet = bob.events.next(EVENT.GROUP_ATTRIBUTES_UPDATED, (data) => data.groupAttributes.seat3 === "carol", WAIT);
    const set = await bob.chat.setGroupAttributes({ groupID: "stage", groupAttributes: { seat2: "dave", seat3: "carol" } });
    assert.deepEqual(set.data.groupAttributes, { seat2: "dave", seat3: "carol" });
    assert.deepEqual((await afterSet).data.groupAttributes, { seat1: "alice", seat2: "dave", seat3: "carol" });

    const all = await bob.chat.getGroupAttributes({ groupID: "stage", keyList: [] });
    assert.deepEqual(all.data.groupAttributes, { seat1: "alice", seat2: "dave", seat3: "carol" });
    const some = await bob.chat.getGroupAttributes({ groupID: "stage", keyList: ["seat3", "nope"] });
    assert.deepEqual(some.data.groupAttributes, { seat3: "carol" });

    const afterDelete = alice.events.next(EVENT.GROUP_ATTRIBUTES_UPDATED, (data) => !("seat1" in data.groupAttributes), WAIT);
    const deleted = await alice.chat.deleteGroupAttributes({ groupID: "stage", keyList: ["seat1"] });
    assert.deepEqual(deleted.data, { keyList: ["seat1"] });
    await afterDelete;
    assert.deepEqual((await alice.chat.getGroupAttributes({ groupID: "stage" })).data.groupAttributes, { seat2: "dave", seat3: "carol" });

    // init replaces every attribute.
    await alice.chat.initGroupAttributes({ groupID: "stage", groupAttributes: { only: "1" } });
    assert.deepEqual((await alice.chat.getGroupAttributes({ groupID: "stage", keyList: [] })).data.groupAttributes, { only: "1" });

    // Not a member: 10007; no such group: 10010; past a limit: 10004 and nothing changes.
    assert.equal((await rejection(carol.chat.getGroupAttributes({ groupID: "stage", keyList: [] }))).code, 10007);
    assert.equal((await rejection(alice.chat.setGroupAttributes({ groupID: "nowhere", groupAttributes: { a: "b" } }))).code, 10010);
    const tooMany = Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, "v"]));
    const limit = await rejection(alice.chat.setGroupAttributes({ groupID: "stage", groupAttributes: tooMany }));
    assert.equal(limit.code, 10004);
    assert.deepEqual((await alice.chat.getGroupAttributes({ groupID: "stage", keyList: [] })).data.groupAttributes, { only: "1" });

    const bad = await rejection(alice.chat.setGroupAttributes({ groupID: "stage", groupAttributes: { a: 1 } }));
    assert.equal(bad.code, 6017);
    assert.match(bad.message, /groupAttributes/);
  } finally {
    await Promise.all([alice.chat.logout(), bob.chat.logout(), carol.chat.logout()]);
  }
});

test("counters: set, increase, decrease and get, with GROUP_COUNTER_UPDATED once per counter", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    await alice.chat.createGroup({ name: "Live", type: TYPES.GRP_PUBLIC, groupID: "live", memberList: [{ userID: "bob" }] });

    const likesHeard = bob.events.next(EVENT.GROUP_COUNTER_UPDATED, (data) => data.groupID === "live" && data.key === "likes" && data.value === 10, WAIT);
    const viewsHeard = bob.events.next(EVENT.GROUP_COUNTER_UPDATED, (data) => data.key === "views" && data.value === 0, WAIT);
    const set = await alice.chat.setGroupCounters({ groupID: "live", counters: { likes: 10, views: 0 } });
    assert.deepEqual(set.data, { groupID: "live", counters: { likes: 10, views: 0 } });
    await Promise.all([likesHeard, viewsHeard]);

    const increased = alice.events.next(EVENT.GROUP_COUNTER_UPDATED, (data) => data.key === "likes" && data.value === 13, WAIT);
    const up = await bob.chat.increaseGroupCounter({ groupID: "live", key: "likes", value: 3 });
    assert.deepEqual(up.data, { groupID: "live", key: "likes", value: 13 });
    await increased;

    const down = await alice.chat.decreaseGroupCounter({ groupID: "live", key: "likes", value: 20 });
    assert.deepEqual(down.data, { groupID: "live", key: "likes", value: -7 });
    const fresh = await alice.chat.increaseGroupCounter({ groupID: "live", key: "shares", value: 2 });
    assert.equal(fresh.data.value, 2);

    assert.deepEqual((await bob.chat.getGroupCounters({ groupID: "live" })).data, { groupID: "live", counters: { likes: -7, views: 0, shares: 2 } });
    assert.deepEqual((await bob.chat.getGroupCounters({ groupID: "live", keyList: ["views"] })).data.counters, { views: 0 });

    await alice.chat.createGroup({ name: "Town", type: TYPES.GRP_COMMUNITY, groupID: "@TGS#_town" });
    assert.equal((await rejection(alice.chat.setGroupCounters({ groupID: "@TGS#_town", counters: { a: 1 } }))).code, 10007);

    const bad = await rejection(alice.chat.increaseGroupCounter({ groupID: "live", key: "likes", value: 1.5 }));
    assert.equal(bad.code, 6017);
    assert.match(bad.message, /value/);
    const badCounters = await rejection(alice.chat.setGroupCounters({ groupID: "live", counters: { likes: "1" } }));
    assert.equal(badCounters.code, 6017);
  } finally {
    await Promise.all([alice.chat.logout(), bob.chat.logout()]);
  }
});
