// The relationship chain as TIM's Web SDK gives it: friend requests (addFriend, the request list,
// accepting, refusing, deleting, marking read), friends (getFriendList, checkFriend,
// getFriendProfile, updateFriend, deleteFriend), friend groups and the blocklist, with
// FRIEND_LIST_UPDATED, FRIEND_APPLICATION_LIST_UPDATED, FRIEND_GROUP_LIST_UPDATED and
// BLACKLIST_UPDATED on every device of each user whose lists changed.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { loggedIn, rejection, startServer, TencentCloudChat } from "./harness.mjs";

const { EVENT, TYPES } = TencentCloudChat;
const WAIT = 30_000;
let server;

before(async () => {
  server = await startServer();
  await server.importAccounts("alice", "bob", "carol", "dave", "erin", "frank", "gina");
});

after(async () => {
  await server?.stop();
});

const ids = (list) => list.map((entry) => entry.userID).sort();

test("a friend request: sent, listed on both sides, marked read, accepted both ways", async () => {
  const alice = await loggedIn(server, "alice");
  const alicePhone = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  const bobPhone = await loggedIn(server, "bob");
  try {
    await bob.chat.updateMyProfile({ nick: "Bob", allowType: TYPES.ALLOW_TYPE_NEED_CONFIRM });

    const bobHears = bobPhone.events.next(EVENT.FRIEND_APPLICATION_LIST_UPDATED, (data) => data.friendApplicationList.some((it) => it.userID === "alice"), WAIT);
    // The requester's other device lists the request it sent.
    const alicePhoneHears = alicePhone.events.next(
      EVENT.FRIEND_APPLICATION_LIST_UPDATED,
      (data) => data.friendApplicationList.some((it) => it.userID === "bob" && it.type === TYPES.SNS_APPLICATION_SENT_BY_ME),
      WAIT,
    );
    const added = await alice.chat.addFriend({ to: "bob", source: "AddSource_Type_Web", wording: "hello bob", remark: "Bobby", groupName: "work" });
    assert.equal(added.code, 0);
    assert.deepEqual(added.data, { userID: "bob", code: 30539, message: added.data.message });
    const heard = await bobHears;
    assert.equal(heard.data.unreadCount, 1);
    const heardOnPhone = await alicePhoneHears;
    assert.equal(heardOnPhone.data.unreadCount, 0, "a request sent is not unread for its sender");

    const sent = await alice.chat.getFriendApplicationList();
    assert.equal(sent.data.friendApplicationList.length, 1);
    const [outgoing] = sent.data.friendApplicationList;
    assert.equal(outgoing.userID, "bob");
    assert.equal(outgoing.type, TYPES.SNS_APPLICATION_SENT_BY_ME);
    assert.equal(outgoing.nick, "Bob");

    const received = await bob.chat.getFriendApplicationList();
    const [incoming] = received.data.friendApplicationList;
    assert.equal(incoming.userID, "alice");
    assert.equal(incoming.type, TYPES.SNS_APPLICATION_SENT_TO_ME);
    assert.equal(incoming.wording, "hello bob");
    assert.equal(incoming.source, "AddSource_Type_Web");
    assert.ok(incoming.time > 0);
    assert.equal(received.data.unreadCount, 1);

    // Asking again while the request waits answers the same: it still waits.
    const again = await alice.chat.addFriend({ to: "bob", source: "AddSource_Type_Web", wording: "hello bob", remark: "Bobby", groupName: "work" });
    assert.equal(again.data.code, 30539);

    const readOnPhone = bobPhone.events.next(EVENT.FRIEND_APPLICATION_LIST_UPDATED, (data) => data.unreadCount === 0, WAIT);
    await bob.chat.setFriendApplicationRead();
    await readOnPhone;
    assert.equal((await bob.chat.getFriendApplicationList()).data.unreadCount, 0);

    const aliceFriends = alice.events.next(EVENT.FRIEND_LIST_UPDATED, (list) => list.some((it) => it.userID === "bob"), WAIT);
    const bobFriends = bobPhone.events.next(EVENT.FRIEND_LIST_UPDATED, (list) => list.some((it) => it.userID === "alice"), WAIT);
    const requestGone = alice.events.next(EVENT.FRIEND_APPLICATION_LIST_UPDATED, (data) => data.friendApplicationList.length === 0, WAIT);
    const accepted = await bob.chat.acceptFriendApplication({ userID: "alice", remark: "Al", type: TYPES.SNS_APPLICATION_AGREE_AND_ADD });
    assert.equal(accepted.code, 0);
    await Promise.all([aliceFriends, bobFriends, requestGone]);

    const list = await alice.chat.getFriendList();
    assert.equal(list.data.length, 1);
    const [friend] = list.data;
    assert.equal(friend.userID, "bob");
    assert.equal(friend.remark, "Bobby");
    assert.deepEqual(friend.groupList, ["work"]);
    assert.equal(friend.wording, "hello bob");
    assert.equal(friend.profile.userID, "bob");
    assert.equal(friend.profile.nick, "Bob");
    assert.deepEqual(friend.friendCustomField, []);
    assert.equal((await bob.chat.getFriendList()).data[0].remark, "Al");

    const checked = await alice.chat.checkFriend({ userIDList: ["bob", "carol"], type: TYPES.SNS_CHECK_TYPE_BOTH });
    assert.deepEqual(checked.data.successUserIDList, [
      { userID: "bob", code: 0, relation: TYPES.SNS_TYPE_BOTH_WAY },
      { userID: "carol", code: 0, relation: TYPES.SNS_TYPE_NO_RELATION },
    ]);
    assert.deepEqual(checked.data.failureUserIDList, []);

    const profiles = await alice.chat.getFriendProfile({ userIDList: ["bob", "carol", "nobody"] });
    assert.deepEqual(ids(profiles.data.friendList), ["bob"]);
    assert.equal(profiles.data.friendList[0].remark, "Bobby");
    assert.deepEqual(
      profiles.data.failureUserIDList.map((it) => [it.userID, it.code]),
      [["carol", 30001], ["nobody", 30003]],
    );

    const updatedOnBob = alice.events.next(EVENT.FRIEND_LIST_UPDATED, (list) => list.some((it) => it.remark === "Robert"), WAIT);
    const updated = await alice.chat.updateFriend({ userID: "bob", remark: "Robert", friendCustomField: [{ key: "Tag_SNS_Custom_Level", value: "gold" }] });
    assert.equal(updated.data.remark, "Robert");
    assert.deepEqual(updated.data.friendCustomField, [{ key: "Tag_SNS_Custom_Level", value: "gold" }]);
    await updatedOnBob;
    const notFriend = await rejection(alice.chat.updateFriend({ userID: "carol", remark: "C" }));
    assert.equal(notFriend.code, 30001);

    const bobLosesAlice = bobPhone.events.next(EVENT.FRIEND_LIST_UPDATED, (list) => !list.some((it) => it.userID === "alice"), WAIT);
    const deleted = await alice.chat.deleteFriend({ userIDList: ["bob", "carol"], type: TYPES.SNS_DELETE_TYPE_BOTH });
    assert.deepEqual(deleted.data.successUserIDList, [{ userID: "bob", code: 0 }]);
    assert.deepEqual(deleted.data.failureUserIDList.map((it) => [it.userID, it.code]), [["carol", 30001]]);
    await bobLosesAlice;
    assert.deepEqual((await alice.chat.getFriendList()).data, []);
  } finally {
    await Promise.all([alice.chat.logout(), alicePhone.chat.logout(), bob.chat.logout(), bobPhone.chat.logout()]);
  }
});

test("a friend request refused or deleted leaves both lists; allow-any adds at once, deny-any refuses", async () => {
  const carol = await loggedIn(server, "carol");
  const dave = await loggedIn(server, "dave");
  try {
    await dave.chat.addFriend({ to: "carol", source: "AddSource_Type_Web" });
    const gone = dave.events.next(EVENT.FRIEND_APPLICATION_LIST_UPDATED, (data) => data.friendApplicationList.length === 0, WAIT);
    await carol.chat.refuseFriendApplication({ userID: "dave" });
    await gone;
    assert.deepEqual((await carol.chat.getFriendApplicationList()).data.friendApplicationList, []);
    assert.equal((await rejection(carol.chat.refuseFriendApplication({ userID: "dave" }))).code, 30001);

    await dave.chat.addFriend({ to: "carol", source: "AddSource_Type_Web" });
    const deleted = await dave.chat.deleteFriendApplication({ userID: "carol", type: TYPES.SNS_APPLICATION_SENT_BY_ME });
    assert.equal(deleted.code, 0);
    assert.deepEqual((await carol.chat.getFriendApplicationList()).data.friendApplicationList, []);
    assert.equal((await rejection(dave.chat.deleteFriendApplication({ userID: "carol" }))).code, 30001);

    await carol.chat.updateMyProfile({ allowType: TYPES.ALLOW_TYPE_ALLOW_ANY });
    const single = await dave.chat.addFriend({ to: "carol", source: "AddSource_Type_Web", type: TYPES.SNS_ADD_TYPE_SINGLE });
    assert.equal(single.data.code, 0);
    const relation = await dave.chat.checkFriend({ userIDList: ["carol"], type: TYPES.SNS_CHECK_TYPE_BOTH });
    assert.equal(relation.data.successUserIDList[0].relation, TYPES.SNS_TYPE_A_WITH_B);
    const fromCarol = await carol.chat.checkFriend({ userIDList: ["dave"] });
    assert.equal(fromCarol.data.successUserIDList[0].relation, TYPES.SNS_TYPE_B_WITH_A);
    const twice = await rejection(dave.chat.addFriend({ to: "carol", source: "AddSource_Type_Web", type: TYPES.SNS_ADD_TYPE_SINGLE }));
    assert.equal(twice.code, 30001);

    await carol.chat.updateMyProfile({ allowType: TYPES.ALLOW_TYPE_DENY_ANY });
    const erin = await loggedIn(server, "erin");
    const denied = await rejection(erin.chat.addFriend({ to: "carol", source: "AddSource_Type_Web" }));
    await erin.chat.logout();
    assert.equal(denied.code, 30516);

    const missing = await rejection(dave.chat.addFriend({ to: "nobody", source: "AddSource_Type_Web" }));
    assert.equal(missing.code, 30003);
  } finally {
    await Promise.all([carol.chat.logout(), dave.chat.logout()]);
  }
});

test("friend groups: create, add to, remove from, rename, delete, with FRIEND_GROUP_LIST_UPDATED", async () => {
  const erin = await loggedIn(server, "erin");
  const erinTablet = await loggedIn(server, "erin");
  try {
    await server.rest("sns", "friend_import", {
      From_Account: "erin",
      AddFriendItem: [{ To_Account: "alice", AddSource: "AddSource_Type_Server" }, { To_Account: "bob", AddSource: "AddSource_Type_Server" }],
    });
    assert.deepEqual(ids((await erin.chat.getFriendList()).data), ["alice", "bob"]);

    const created = erinTablet.events.next(EVENT.FRIEND_GROUP_LIST_UPDATED, (list) => list.some((group) => group.name === "close"), WAIT);
    const made = await erin.chat.createFriendGroup({ name: "close", userIDList: ["alice", "carol"] });
    assert.deepEqual(made.data.friendGroup, { name: "close", userIDList: ["alice"], count: 1 });
    assert.deepEqual(made.data.failureUserIDList.map((it) => it.userID), ["carol"]);
    await created;
    assert.equal((await rejection(erin.chat.createFriendGroup({ name: "close", userIDList: [] }))).code, 30001);

    const addedTo = await erin.chat.addToFriendGroup({ name: "close", userIDList: ["bob"] });
    assert.deepEqual(addedTo.data.friendGroup.userIDList.sort(), ["alice", "bob"]);
    assert.equal(addedTo.data.friendGroup.count, 2);
    const friendGroupsOfBob = (await erin.chat.getFriendProfile({ userIDList: ["bob"] })).data.friendList[0].groupList;
    assert.deepEqual(friendGroupsOfBob, ["close"]);

    const removed = await erin.chat.removeFromFriendGroup({ name: "close", userIDList: ["alice"] });
    assert.deepEqual(removed.data.friendGroup.userIDList, ["bob"]);

    const renamedOnTablet = erinTablet.events.next(EVENT.FRIEND_GROUP_LIST_UPDATED, (list) => list.some((group) => group.name === "inner"), WAIT);
    const renamed = await erin.chat.renameFriendGroup({ oldName: "close", newName: "inner" });
    assert.deepEqual(renamed.data, { name: "inner", userIDList: ["bob"], count: 1 });
    await renamedOnTablet;
    assert.deepEqual((await erin.chat.getFriendGroupList()).data, [{ name: "inner", userIDList: ["bob"], count: 1 }]);

    const deletedOnTablet = erinTablet.events.next(EVENT.FRIEND_GROUP_LIST_UPDATED, (list) => list.length === 0, WAIT);
    const deleted = await erin.chat.deleteFriendGroup({ name: "inner" });
    assert.equal(deleted.data.name, "inner");
    await deletedOnTablet;
    assert.deepEqual((await erin.chat.getFriendGroupList()).data, []);
    assert.deepEqual(ids((await erin.chat.getFriendList()).data), ["alice", "bob"]);
    assert.equal((await rejection(erin.chat.deleteFriendGroup({ name: "inner" }))).code, 30001);
    assert.equal((await rejection(erin.chat.renameFriendGroup({ oldName: "inner", newName: "x" }))).code, 30001);
  } finally {
    await Promise.all([erin.chat.logout(), erinTablet.chat.logout()]);
  }
});

test("the blocklist: blocking ends the friendship and stops the other's messages; BLACKLIST_UPDATED", async () => {
  const alice = await loggedIn(server, "alice");
  const alicePhone = await loggedIn(server, "alice");
  const dave = await loggedIn(server, "dave");
  try {
    await alice.chat.updateMyProfile({ allowType: TYPES.ALLOW_TYPE_ALLOW_ANY });
    await dave.chat.updateMyProfile({ allowType: TYPES.ALLOW_TYPE_ALLOW_ANY });
    assert.equal((await dave.chat.addFriend({ to: "alice", source: "AddSource_Type_Web" })).data.code, 0);

    const blockedOnPhone = alicePhone.events.next(EVENT.BLACKLIST_UPDATED, (list) => list.includes("dave"), WAIT);
    const daveLosesAlice = dave.events.next(EVENT.FRIEND_LIST_UPDATED, (list) => !list.some((it) => it.userID === "alice"), WAIT);
    const blocked = await alice.chat.addToBlacklist({ userIDList: ["dave", "nobody"] });
    assert.deepEqual(blocked.data, ["dave"]);
    await Promise.all([blockedOnPhone, daveLosesAlice]);
    assert.deepEqual((await alice.chat.getBlacklist()).data, ["dave"]);
    assert.ok(!(await alice.chat.getFriendList()).data.some((it) => it.userID === "dave"));
    assert.equal((await rejection(alice.chat.addToBlacklist({ userIDList: ["dave"] }))).code, 30001);

    const refused = await rejection(dave.chat.addFriend({ to: "alice", source: "AddSource_Type_Web" }));
    assert.equal(refused.code, 30525);
    const selfRefused = await rejection(alice.chat.addFriend({ to: "dave", source: "AddSource_Type_Web" }));
    assert.equal(selfRefused.code, 30515);

    // The blocked user's message is answered as sent and never reaches alice.
    await dave.chat.sendMessage(dave.chat.createTextMessage({ to: "alice", conversationType: TYPES.CONV_C2C, payload: { text: "let me in" } }));
    const history = await alice.chat.getMessageList({ conversationID: "C2Cdave" });
    assert.ok(!history.data.messageList.some((message) => message.payload.text === "let me in"));

    const unblockedOnPhone = alicePhone.events.next(EVENT.BLACKLIST_UPDATED, (list) => list.length === 0, WAIT);
    const unblocked = await alice.chat.removeFromBlacklist({ userIDList: ["dave"] });
    assert.deepEqual(unblocked.data, ["dave"]);
    await unblockedOnPhone;
    assert.deepEqual((await alice.chat.getBlacklist()).data, []);
    assert.equal((await rejection(alice.chat.removeFromBlacklist({ userIDList: ["dave"] }))).code, 30001);
  } finally {
    await Promise.all([alice.chat.logout(), alicePhone.chat.logout(), dave.chat.logout()]);
  }
});

test("a change made while the connection is down reaches the user once it resumes", async () => {
  const frank = await loggedIn(server, "frank");
  const gina = await loggedIn(server, "gina");
  try {
    await frank.chat.updateMyProfile({ allowType: TYPES.ALLOW_TYPE_ALLOW_ANY });
    const heard = frank.events.next(EVENT.FRIEND_LIST_UPDATED, (list) => list.some((it) => it.userID === "gina"), WAIT);
    frank.chat.dropConnectionForTest();
    assert.equal((await gina.chat.addFriend({ to: "frank", source: "AddSource_Type_Web" })).data.code, 0);
    const event = await heard;
    assert.equal(event.data.find((it) => it.userID === "gina").source, "AddSource_Type_Web");
    assert.deepEqual(ids((await frank.chat.getFriendList()).data), ["gina"]);
    assert.equal(frank.chat.isReady(), true);
  } finally {
    await Promise.all([frank.chat.logout(), gina.chat.logout()]);
  }
});

test("bad input rejects with 6017 naming the parameter, before anything is sent", async () => {
  const alice = await loggedIn(server, "alice");
  try {
    const cases = [
      [() => alice.chat.addFriend({ source: "AddSource_Type_Web" }), "to"],
      [() => alice.chat.addFriend({ to: "bob", type: "sideways" }), "type"],
      [() => alice.chat.deleteFriend({ userIDList: [] }), "userIDList"],
      [() => alice.chat.checkFriend({ userIDList: ["bob"], type: 3 }), "type"],
      [() => alice.chat.updateFriend({ userID: "bob", friendCustomField: [{ key: 1 }] }), "friendCustomField"],
      [() => alice.chat.acceptFriendApplication({ userID: "bob", type: "yes" }), "type"],
      [() => alice.chat.createFriendGroup({ userIDList: ["bob"] }), "name"],
      [() => alice.chat.renameFriendGroup({ oldName: "a" }), "newName"],
      [() => alice.chat.addToBlacklist({ userIDList: "bob" }), "userIDList"],
    ];
    for (const [call, name] of cases) {
      const error = await rejection(call());
      assert.equal(error.code, 6017, name);
      assert.match(error.message, new RegExp(name));
    }
  } finally {
    await alice.chat.logout();
  }
});
