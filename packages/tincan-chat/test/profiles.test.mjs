// Profiles and user status as TIM's Web SDK gives them: getMyProfile, updateMyProfile (and
// PROFILE_UPDATED on the user's other devices), getUserProfile in bulk, messages and the
// conversation list showing the sender's nick and avatar, and getUserStatus, setSelfStatus and
// subscribeUserStatus with USER_STATUS_UPDATED.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { loggedIn, rejection, startServer, TencentCloudChat } from "./harness.mjs";

const { EVENT, TYPES } = TencentCloudChat;
let server;

before(async () => {
  server = await startServer();
  await server.importAccounts("alice", "bob");
});

after(async () => {
  await server?.stop();
});

test("updateMyProfile: the profile changes, the user's other device hears PROFILE_UPDATED, peers see the nick", async () => {
  const alice = await loggedIn(server, "alice");
  const aliceTablet = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    const empty = await alice.chat.getMyProfile();
    assert.equal(empty.data.userID, "alice");
    assert.equal(empty.data.nick, "");

    const told = aliceTablet.events.next(EVENT.PROFILE_UPDATED, (list) => list.some((profile) => profile.nick === "Alice Liddell"));
    const updated = await alice.chat.updateMyProfile({
      nick: "Alice Liddell",
      avatar: "https://example.com/alice.png",
      gender: TYPES.GENDER_FEMALE,
      selfSignature: "curiouser",
      allowType: TYPES.ALLOW_TYPE_NEED_CONFIRM,
      birthday: 18650704,
      profileCustomField: [{ key: "Tag_Profile_Custom_Hobby", value: "croquet" }],
    });
    assert.equal(updated.data.nick, "Alice Liddell");
    assert.equal(updated.data.gender, TYPES.GENDER_FEMALE);
    assert.equal(updated.data.allowType, TYPES.ALLOW_TYPE_NEED_CONFIRM);
    assert.deepEqual(updated.data.profileCustomField, [{ key: "Tag_Profile_Custom_Hobby", value: "croquet" }]);
    const event = await told;
    assert.equal(event.data[0].avatar, "https://example.com/alice.png");

    const { data: profiles } = await bob.chat.getUserProfile({ userIDList: ["alice", "nobody-here"] });
    assert.deepEqual(profiles.map((profile) => [profile.userID, profile.nick]), [["alice", "Alice Liddell"]]);

    const received = bob.events.next(EVENT.MESSAGE_RECEIVED);
    await alice.chat.sendMessage(alice.chat.createTextMessage({ to: "bob", conversationType: TYPES.CONV_C2C, payload: { text: "hello" } }));
    const [message] = (await received).data;
    assert.equal(message.nick, "Alice Liddell");
    assert.equal(message.avatar, "https://example.com/alice.png");

    // Bad input: TIM's codes, and nothing changes.
    assert.equal((await rejection(alice.chat.updateMyProfile({ gender: "Robot" }))).code, 6017);
    assert.equal((await rejection(alice.chat.updateMyProfile({ location: "x".repeat(40) }))).code, 40601);
    assert.equal((await alice.chat.getMyProfile()).data.location, "");
  } finally {
    await alice.chat.logout();
    await aliceTablet.chat.logout();
    await bob.chat.logout();
  }
});

test("user status: get, set a custom status, subscribe and hear USER_STATUS_UPDATED", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    const status = await alice.chat.getUserStatus({ userIDList: ["bob", "nobody-here"] });
    assert.deepEqual(status.data.successUserList, [{ userID: "bob", statusType: TYPES.USER_STATUS_ONLINE, customStatus: "" }]);
    assert.deepEqual(status.data.failureUserList.map((entry) => entry.userID), ["nobody-here"]);

    const first = alice.events.next(EVENT.USER_STATUS_UPDATED, (list) => list.some((entry) => entry.userID === "bob"));
    await alice.chat.subscribeUserStatus({ userIDList: ["bob"] });
    await first;
    const custom = alice.events.next(EVENT.USER_STATUS_UPDATED, (list) => list.some((entry) => entry.customStatus === "in a meeting"));
    const set = await bob.chat.setSelfStatus({ customStatus: "in a meeting" });
    assert.equal(set.data.customStatus, "in a meeting");
    assert.equal((await custom).data[0].statusType, TYPES.USER_STATUS_ONLINE);

    const gone = alice.events.next(EVENT.USER_STATUS_UPDATED, (list) => list.some((entry) => entry.statusType === TYPES.USER_STATUS_UNLOGINED));
    await bob.chat.logout();
    await gone;
    await alice.chat.unsubscribeUserStatus({ userIDList: ["bob"] });
    assert.equal((await rejection(alice.chat.setSelfStatus({ customStatus: "x".repeat(101) }))).code, 6017);
  } finally {
    await alice.chat.logout();
    await bob.chat.logout();
  }
});
