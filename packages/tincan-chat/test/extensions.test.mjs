// Message extensions, receive options and cloud search, as TIM's Web SDK gives them, against a
// real server: extensions set, read and deleted on a C2C and a group message, with
// MESSAGE_EXTENSIONS_UPDATED and MESSAGE_EXTENSIONS_DELETED on both sides and TIM's 23001 when
// two users change one key from the same version; setMessageRemindType for C2C conversations and
// a group, kept in the conversation list on every device and left out of the total;
// setAllReceiveMessageOpt and getAllReceiveMessageOpt with ALL_RECEIVE_MESSAGE_OPT_UPDATED on the
// user's other device; and the group and member searches.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { eventually, loggedIn, rejection, startServer, TencentCloudChat } from "./harness.mjs";

const { EVENT, TYPES } = TencentCloudChat;
let server;

before(async () => {
  server = await startServer();
  await server.importAccounts("alice", "bob", "carol", "dave", "ghost");
});

after(async () => {
  await server?.stop();
});

function poll(chat, to, conversationType = TYPES.CONV_C2C, isSupportExtension = true) {
  return chat.createCustomMessage({ to, conversationType, isSupportExtension, payload: { data: "poll: lunch?", description: "", extension: "" } });
}

test("extensions of a C2C message: set, read, changed by both, deleted, with TIM's events on both sides", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    const arrives = bob.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.payload?.data === "poll: lunch?"));
    const { data } = await alice.chat.sendMessage(poll(alice.chat, "bob"));
    assert.equal(data.message.isSupportExtension, true);
    const received = (await arrives).data.find((m) => m.payload?.data === "poll: lunch?");
    assert.equal(received.isSupportExtension, true, "the receiver's copy says it takes extensions");

    const bobHears = bob.events.next(EVENT.MESSAGE_EXTENSIONS_UPDATED, (event) => event.messageID === data.message.ID);
    const aliceHears = alice.events.next(EVENT.MESSAGE_EXTENSIONS_UPDATED, (event) => event.messageID === data.message.ID);
    const set = await alice.chat.setMessageExtensions(data.message, [
      { key: "alice", value: "pizza" },
      { key: "topic", value: "lunch" },
    ]);
    assert.equal(set.code, 0);
    assert.deepEqual(set.data.extensions, [
      { code: 0, key: "alice", value: "pizza" },
      { code: 0, key: "topic", value: "lunch" },
    ]);
    assert.deepEqual((await bobHears).data, { messageID: data.message.ID, extensions: [{ key: "alice", value: "pizza" }, { key: "topic", value: "lunch" }] });
    assert.equal((await aliceHears).data.extensions.length, 2, "the instance that set them hears it too, as TIM documents");

    // bob changes a key alice set, from the version his instance read.
    const read = await bob.chat.getMessageExtensions(received);
    assert.deepEqual(
      read.data.extensions.sort((a, b) => a.key.localeCompare(b.key)),
      [
        { key: "alice", value: "pizza" },
        { key: "topic", value: "lunch" },
      ],
    );
    const onlyTopic = await bob.chat.getMessageExtensions(received, ["topic"]);
    assert.deepEqual(onlyTopic.data.extensions, [{ key: "topic", value: "lunch" }]);
    const aliceSeesDinner = alice.events.next(EVENT.MESSAGE_EXTENSIONS_UPDATED, (event) => event.extensions.some((item) => item.value === "dinner"));
    const changed = await bob.chat.setMessageExtensions(received, [{ key: "topic", value: "dinner" }, { key: "bob", value: "sushi" }]);
    assert.deepEqual(changed.data.extensions.map((result) => result.code), [0, 0]);
    await aliceSeesDinner;

    // alice and bob change one key at once, each from the version it last saw: exactly one wins,
    // the other gets TIM's 23001 with the key as it is now, and trying again applies it over.
    const [fromAlice, fromBob] = await Promise.all([
      alice.chat.setMessageExtensions(data.message, [{ key: "topic", value: "brunch" }]),
      bob.chat.setMessageExtensions(received, [{ key: "topic", value: "supper" }]),
    ]);
    const outcomes = [fromAlice.data.extensions[0], fromBob.data.extensions[0]];
    assert.deepEqual(outcomes.map((result) => result.code).sort(), [0, 23001], "one change wins");
    const winner = outcomes.find((result) => result.code === 0);
    const loser = outcomes.find((result) => result.code === 23001);
    assert.equal(loser.value, winner.value, "the refused change carries the key as it is now");
    const retryFrom = loser === outcomes[0] ? alice.chat : bob.chat;
    const retryMessage = loser === outcomes[0] ? data.message : received;
    const again = await retryFrom.setMessageExtensions(retryMessage, [{ key: "topic", value: "brunch" }]);
    assert.deepEqual(again.data.extensions, [{ code: 0, key: "topic", value: "brunch" }]);

    // Deleting keys: one that exists and one that never did (23004); then every key.
    const deletedOnBob = bob.events.next(EVENT.MESSAGE_EXTENSIONS_DELETED, (event) => event.messageID === data.message.ID);
    const deleted = await alice.chat.deleteMessageExtensions(data.message, ["alice", "nobody"]);
    assert.deepEqual(
      deleted.data.extensions.map(({ code, key }) => [key, code]).sort(),
      [
        ["alice", 0],
        ["nobody", 23004],
      ],
    );
    assert.deepEqual((await deletedOnBob).data, { messageID: data.message.ID, keyList: ["alice"] });
    const left = await alice.chat.getMessageExtensions(data.message);
    assert.deepEqual(left.data.extensions.map((item) => item.key).sort(), ["bob", "topic"], "a deleted key is gone from the list");

    const allGone = bob.events.next(EVENT.MESSAGE_EXTENSIONS_DELETED, (event) => event.messageID === data.message.ID && event.keyList.length === 2);
    await bob.chat.deleteMessageExtensions(received);
    assert.deepEqual((await allGone).data.keyList.sort(), ["bob", "topic"]);
    assert.deepEqual((await alice.chat.getMessageExtensions(data.message)).data.extensions, []);

    // A key deleted and set again starts from where it was: the change is accepted.
    const reset = await alice.chat.setMessageExtensions(data.message, [{ key: "topic", value: "tea" }]);
    assert.deepEqual(reset.data.extensions, [{ code: 0, key: "topic", value: "tea" }]);
  } finally {
    await alice.chat.destroy();
    await bob.chat.destroy();
  }
});

test("extensions of a group message reach every member; a message not sent for them is refused", async () => {
  const alice = await loggedIn(server, "alice");
  const carol = await loggedIn(server, "carol");
  try {
    const { data: created } = await alice.chat.createGroup({
      name: "Lunch club",
      type: TYPES.GRP_WORK,
      memberList: [{ userID: "carol" }, { userID: "dave" }],
    });
    const groupID = created.group.groupID;
    const arrives = carol.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.to === groupID && m.payload?.data === "poll: lunch?"));
    const { data } = await alice.chat.sendMessage(poll(alice.chat, groupID, TYPES.CONV_GROUP));
    const received = (await arrives).data.find((m) => m.to === groupID);

    const aliceHears = alice.events.next(EVENT.MESSAGE_EXTENSIONS_UPDATED, (event) => event.messageID === data.message.ID);
    await carol.chat.setMessageExtensions(received, [{ key: "carol", value: "yes" }]);
    assert.deepEqual((await aliceHears).data.extensions, [{ key: "carol", value: "yes" }]);
    const dave = await loggedIn(server, "dave");
    try {
      const history = await dave.chat.getMessageList({ conversationID: `GROUP${groupID}` });
      const inHistory = history.data.messageList.find((message) => message.ID === data.message.ID);
      assert.equal(inHistory.isSupportExtension, true, "history keeps the flag");
      assert.deepEqual((await dave.chat.getMessageExtensions(inHistory)).data.extensions, [{ key: "carol", value: "yes" }]);
    } finally {
      await dave.chat.destroy();
    }

    // A message sent without isSupportExtension takes none: TIM's SDK refuses it before a request.
    const { data: plain } = await alice.chat.sendMessage(poll(alice.chat, groupID, TYPES.CONV_GROUP, false));
    const refused = await rejection(alice.chat.setMessageExtensions(plain.message, [{ key: "a", value: "b" }]));
    assert.equal(refused.code, 6017);
    assert.match(refused.message, /isSupportExtension/);
    const unsent = poll(alice.chat, groupID, TYPES.CONV_GROUP);
    assert.equal((await rejection(alice.chat.getMessageExtensions(unsent))).code, 6017, "a message not sent yet has none");
    const badItems = await rejection(alice.chat.setMessageExtensions(data.message, [{ key: "", value: "x" }]));
    assert.equal(badItems.code, 6017);
    assert.equal((await rejection(alice.chat.setMessageExtensions(data.message, []))).code, 6017);
    const tooMany = Array.from({ length: 21 }, (_, index) => ({ key: `k${index}`, value: "v" }));
    const serverSays = await rejection(alice.chat.setMessageExtensions(data.message, tooMany));
    assert.equal(serverSays.code, 6017, "more than 20 at once is the server's 6017");
    assert.deepEqual((await alice.chat.getMessageExtensions(data.message)).data.extensions, [{ key: "carol", value: "yes" }], "nothing changed");
  } finally {
    await alice.chat.destroy();
    await carol.chat.destroy();
  }
});

test("setMessageRemindType: C2C and group options kept in the list on every device, left out of the total", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  const bobTablet = await loggedIn(server, "bob");
  try {
    const { data: created } = await alice.chat.createGroup({ name: "Noisy", type: TYPES.GRP_WORK, memberList: [{ userID: "bob" }] });
    const groupID = created.group.groupID;
    for (const [to, type] of [
      ["bob", TYPES.CONV_C2C],
      [groupID, TYPES.CONV_GROUP],
    ]) {
      const arrives = bob.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.payload?.text === `hello ${to}`));
      await alice.chat.sendMessage(alice.chat.createTextMessage({ to, conversationType: type, payload: { text: `hello ${to}` } }));
      await arrives;
    }
    const total = bob.chat.getTotalUnreadMessageCount();
    assert.ok(total >= 2);

    const listed = bob.events.next(EVENT.CONVERSATION_LIST_UPDATED, (list) =>
      list.some((conv) => conv.conversationID === "C2Calice" && conv.messageRemindType === TYPES.MSG_REMIND_ACPT_NOT_NOTE),
    );
    const totalUpdated = bob.events.next(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, (count) => count < total);
    const c2c = await bob.chat.setMessageRemindType({ userIDList: ["alice"], messageRemindType: TYPES.MSG_REMIND_ACPT_NOT_NOTE });
    assert.deepEqual(c2c.data, { successUserIDList: [{ userID: "alice" }], failureUserIDList: [] });
    await listed;
    await totalUpdated;
    const conv = (await bob.chat.getConversationProfile("C2Calice")).data.conversation;
    assert.equal(conv.messageRemindType, TYPES.MSG_REMIND_ACPT_NOT_NOTE);
    assert.ok(conv.unreadCount >= 1, "the conversation keeps its own unread count");
    assert.equal(bob.chat.getTotalUnreadMessageCount(), total - conv.unreadCount, "a muted conversation leaves the total");

    // bob's other device follows, through the server.
    await bobTablet.events.find(EVENT.CONVERSATION_LIST_UPDATED, (list) =>
      list.some((each) => each.conversationID === "C2Calice" && each.messageRemindType === TYPES.MSG_REMIND_ACPT_NOT_NOTE),
    );

    const group = await bob.chat.setMessageRemindType({ groupID, messageRemindType: TYPES.MSG_REMIND_DISCARD });
    assert.equal(group.data.group.groupID, groupID);
    assert.equal(group.data.group.selfInfo.messageRemindType, TYPES.MSG_REMIND_DISCARD);
    assert.equal((await bob.chat.getConversationProfile(`GROUP${groupID}`)).data.conversation.messageRemindType, TYPES.MSG_REMIND_DISCARD);
    await bobTablet.events.find(EVENT.CONVERSATION_LIST_UPDATED, (list) =>
      list.some((each) => each.conversationID === `GROUP${groupID}` && each.messageRemindType === TYPES.MSG_REMIND_DISCARD),
    );
    await eventually(async () => {
      const { data } = await bobTablet.chat.getGroupList();
      return data.groupList.find((each) => each.groupID === groupID)?.selfInfo.messageRemindType === TYPES.MSG_REMIND_DISCARD ? true : undefined;
    }, "the tablet's group to show the option");
    // Messages still arrive (the app decides what to show).
    const still = bob.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.payload?.text === "still here"));
    await alice.chat.sendMessage(alice.chat.createTextMessage({ to: groupID, conversationType: TYPES.CONV_GROUP, payload: { text: "still here" } }));
    await still;

    // A fresh login reads the options back from the server.
    const later = await loggedIn(server, "bob");
    try {
      const { data } = await later.chat.getConversationList();
      const byID = new Map(data.conversationList.map((each) => [each.conversationID, each.messageRemindType]));
      assert.equal(byID.get("C2Calice"), TYPES.MSG_REMIND_ACPT_NOT_NOTE);
      assert.equal(byID.get(`GROUP${groupID}`), TYPES.MSG_REMIND_DISCARD);
      const groups = (await later.chat.getGroupList()).data.groupList;
      assert.equal(groups.find((each) => each.groupID === groupID).selfInfo.messageRemindType, TYPES.MSG_REMIND_DISCARD);
    } finally {
      await later.chat.destroy();
    }

    // One peer that is not an account fails alone, as TIM answers user by user.
    const mixed = await bob.chat.setMessageRemindType({ userIDList: ["carol", "nobody-here"], messageRemindType: TYPES.NOT_RECEIVE_OFFLINE_PUSH_EXCEPT_AT });
    assert.deepEqual(mixed.data.successUserIDList, [{ userID: "carol" }]);
    assert.equal(mixed.data.failureUserIDList.length, 1);
    assert.equal(mixed.data.failureUserIDList[0].userID, "nobody-here");
    assert.equal(mixed.data.failureUserIDList[0].code, 20003);

    // Back to normal: the conversation counts in the total again.
    await bob.chat.setMessageRemindType({ userIDList: ["alice"], messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE });
    assert.equal((await bob.chat.getConversationProfile("C2Calice")).data.conversation.messageRemindType, TYPES.MSG_REMIND_ACPT_AND_NOTE);

    // Bad input: TIM's codes, and nothing changed.
    assert.equal((await rejection(bob.chat.setMessageRemindType({ userIDList: ["alice"], messageRemindType: "Loud" }))).code, 6017);
    assert.equal((await rejection(bob.chat.setMessageRemindType({ messageRemindType: TYPES.MSG_REMIND_DISCARD }))).code, 6017);
    const many = Array.from({ length: 31 }, (_, index) => `user${index}`);
    assert.equal((await rejection(bob.chat.setMessageRemindType({ userIDList: many, messageRemindType: TYPES.MSG_REMIND_DISCARD }))).code, 6017);
    assert.equal((await rejection(bob.chat.setMessageRemindType({ userIDList: ["bob"], messageRemindType: TYPES.MSG_REMIND_DISCARD }))).code, 6017);
    const notMember = await rejection(alice.chat.setMessageRemindType({ groupID: "no-such-group", messageRemindType: TYPES.MSG_REMIND_DISCARD }));
    assert.equal(notMember.code, 10010);
    assert.equal((await bob.chat.getConversationProfile("C2Calice")).data.conversation.messageRemindType, TYPES.MSG_REMIND_ACPT_AND_NOTE);
  } finally {
    await alice.chat.destroy();
    await bob.chat.destroy();
    await bobTablet.chat.destroy();
  }
});

test("setAllReceiveMessageOpt: a daily and a one-time quiet period, read back and told to the other device", async () => {
  const carol = await loggedIn(server, "carol");
  const carolTablet = await loggedIn(server, "carol");
  try {
    const unset = await carol.chat.getAllReceiveMessageOpt();
    assert.deepEqual(unset.data, { messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE, startTime: 0, endTime: 0, isRepeated: false });

    const told = carolTablet.events.next(EVENT.ALL_RECEIVE_MESSAGE_OPT_UPDATED, (opt) => opt.isRepeated === true);
    await carol.chat.setAllReceiveMessageOpt({ messageRemindType: TYPES.MSG_REMIND_ACPT_NOT_NOTE, startHour: 22, startMinute: 30, startSecond: 0, duration: 8 * 3600 });
    const daily = (await carol.chat.getAllReceiveMessageOpt()).data;
    const start = new Date(daily.startTime * 1000);
    assert.equal(daily.messageRemindType, TYPES.MSG_REMIND_ACPT_NOT_NOTE);
    assert.deepEqual([start.getHours(), start.getMinutes(), start.getSeconds()], [22, 30, 0], "today at 22:30 on this device's clock");
    assert.equal(daily.endTime - daily.startTime, 8 * 3600);
    assert.equal(daily.isRepeated, true);
    assert.deepEqual((await told).data, daily, "the other device hears the option as it reads it");

    // Once, from 09:15 today; the default level is MSG_REMIND_ACPT_NOT_NOTE, as in TIM.
    const once = carolTablet.events.next(EVENT.ALL_RECEIVE_MESSAGE_OPT_UPDATED, (opt) => opt.isRepeated === false);
    await carol.chat.setAllReceiveMessageOpt({ startHour: 9, startMinute: 15, duration: 600, isRepeated: false });
    const pushed = (await once).data;
    const today = new Date();
    const expected = Math.round(new Date(today.getFullYear(), today.getMonth(), today.getDate(), 9, 15, 0).getTime() / 1000);
    assert.deepEqual(pushed, { messageRemindType: TYPES.MSG_REMIND_ACPT_NOT_NOTE, startTime: expected, endTime: expected + 600, isRepeated: false });
    assert.deepEqual((await carolTablet.chat.getAllReceiveMessageOpt()).data, pushed);

    // Bad input: TIM's code, and nothing changed.
    for (const options of [
      { messageRemindType: TYPES.MSG_REMIND_DISCARD, duration: 60 },
      { messageRemindType: "Loud", duration: 60 },
      { startHour: 24, duration: 60 },
      { startMinute: -1, duration: 60 },
      { duration: "long" },
      { isRepeated: "yes" },
    ]) {
      assert.equal((await rejection(carol.chat.setAllReceiveMessageOpt(options))).code, 6017, JSON.stringify(options));
    }
    assert.equal((await rejection(carol.chat.setAllReceiveMessageOpt())).code, 6017);
    assert.deepEqual((await carol.chat.getAllReceiveMessageOpt()).data, pushed);

    // Back to receiving, with no period.
    await carol.chat.setAllReceiveMessageOpt({ messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE });
    assert.equal((await carol.chat.getAllReceiveMessageOpt()).data.messageRemindType, TYPES.MSG_REMIND_ACPT_AND_NOTE);
  } finally {
    await carol.chat.destroy();
    await carolTablet.chat.destroy();
  }
});

test("searchCloudGroups and searchCloudGroupMembers: the user's groups and their members, paged", async () => {
  const alice = await loggedIn(server, "alice");
  try {
    const made = [];
    for (const name of ["Garden crew", "Garden club", "Chess night"]) {
      const { data } = await alice.chat.createGroup({ name, type: TYPES.GRP_PUBLIC, memberList: [{ userID: "carol" }, { userID: "dave" }] });
      made.push(data.group.groupID);
    }
    const garden = await alice.chat.searchCloudGroups({ keywordList: ["garden"] });
    assert.equal(garden.data.totalCount, 2);
    assert.deepEqual(garden.data.searchResultList.map((group) => group.name).sort(), ["Garden club", "Garden crew"]);
    assert.equal(garden.data.searchResultList[0].selfInfo.role, TYPES.GRP_MBR_ROLE_OWNER);
    assert.equal(garden.data.cursor, "");

    const either = await alice.chat.searchCloudGroups({ keywordList: ["crew", "chess"] });
    assert.equal(either.data.totalCount, 2, "any keyword, TIM's default");
    const both = await alice.chat.searchCloudGroups({ keywordList: ["garden", "crew"], keywordListMatchType: "and" });
    assert.deepEqual(both.data.searchResultList.map((group) => group.name), ["Garden crew"]);
    const first = await alice.chat.searchCloudGroups({ keywordList: ["garden", "chess"], count: 2 });
    assert.equal(first.data.searchResultList.length, 2);
    assert.equal(first.data.cursor, "2");
    const rest = await alice.chat.searchCloudGroups({ keywordList: ["garden", "chess"], count: 2, cursor: first.data.cursor });
    assert.equal(rest.data.searchResultList.length, 1);
    assert.equal(rest.data.cursor, "");
    const workOnly = await alice.chat.searchCloudGroups({ keywordList: ["garden"], groupTypeList: [TYPES.GRP_WORK] });
    assert.equal(workOnly.data.totalCount, 0);

    await alice.chat.setGroupMemberNameCard({ groupID: made[0], userID: "carol", nameCard: "Carol Digger" });
    const members = await alice.chat.searchCloudGroupMembers({ keywordList: ["digger"], groupIDList: [made[0], made[1]] });
    assert.equal(members.data.totalCount, 1);
    assert.deepEqual(members.data.searchResultList, [
      {
        groupInfo: { groupID: made[0], name: "Garden crew", type: TYPES.GRP_PUBLIC, avatar: "" },
        memberList: [{ userID: "carol", nick: "", nameCard: "Carol Digger", avatar: "" }],
      },
    ]);
    const byID = await alice.chat.searchCloudGroupMembers({ keywordList: ["dav"], groupIDList: made });
    assert.equal(byID.data.totalCount, 3, "dave in each of the three groups");
    assert.deepEqual(byID.data.searchResultList.map((entry) => entry.memberList[0].userID), ["dave", "dave", "dave"]);

    assert.equal((await rejection(alice.chat.searchCloudGroups({}))).code, 6017);
    assert.equal((await rejection(alice.chat.searchCloudGroups({ keywordList: ["a", "b", "c", "d", "e", "f"] }))).code, 6017);
    assert.equal((await rejection(alice.chat.searchCloudGroups({ keywordList: ["a"], keywordListMatchType: "xor" }))).code, 6017);
    assert.equal((await rejection(alice.chat.searchCloudGroupMembers({ keywordList: ["a"], groupIDList: ["no-such-group"] }))).code, 10010);
  } finally {
    await alice.chat.destroy();
  }
});
