// Follows as TIM's Web SDK gives them: followUser and unfollowUser with a result per user, the
// three lists a page at a time with nextCursor, getUserFollowInfo and checkFollowType, and
// MY_FOLLOWING_LIST_UPDATED, MY_FOLLOWERS_LIST_UPDATED and MUTUAL_FOLLOWERS_LIST_UPDATED on the
// follower's other devices and the followee's, with TIM's codes for bad input.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { loggedIn, rejection, startServer, TencentCloudChat } from "./harness.mjs";

const { EVENT } = TencentCloudChat;
const WAIT = 30_000;
let server;

before(async () => {
  server = await startServer();
  await server.importAccounts("alice", "bob", "carol", "fan1", "fan2", "fan3");
});

after(async () => {
  await server?.stop();
});

test("following: results per user, the events on both sides, counts, checks and lists", async () => {
  const alice = await loggedIn(server, "alice");
  const alicePhone = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    await alice.chat.updateMyProfile({ nick: "Alice" });
    const phoneHears = alicePhone.events.next(EVENT.MY_FOLLOWING_LIST_UPDATED, (data) => data.isAdd, WAIT);
    const bobHears = bob.events.next(EVENT.MY_FOLLOWERS_LIST_UPDATED, (data) => data.isAdd, WAIT);
    const followed = await alice.chat.followUser(["bob", "carol", "alice", "nobody"]);
    assert.equal(followed.code, 0);
    assert.deepEqual(
      followed.data.map((it) => [it.userID, it.resultCode]),
      [["bob", 0], ["carol", 0], ["alice", 30001], ["nobody", 30003]],
    );
    assert.match(followed.data[2].resultInfo, /itself/);
    const onPhone = await phoneHears;
    assert.deepEqual(onPhone.data.userInfoList.map((it) => it.userID), ["bob", "carol"]);
    const atBob = await bobHears;
    assert.equal(atBob.data.userInfoList[0].userID, "alice");
    assert.equal(atBob.data.userInfoList[0].nick, "Alice", "a user who joined a list comes with its profile");

    const mutualHeard = alicePhone.events.next(EVENT.MUTUAL_FOLLOWERS_LIST_UPDATED, (data) => data.isAdd, WAIT);
    await bob.chat.followUser(["alice"]);
    assert.deepEqual((await mutualHeard).data.userInfoList.map((it) => it.userID), ["bob"]);

    const mine = await alice.chat.getUserFollowInfo();
    assert.deepEqual(mine.data, [{ userID: "alice", followersCount: 1, followingCount: 2, mutualFollowersCount: 1 }]);
    const theirs = await alice.chat.getUserFollowInfo(["bob", "nobody"]);
    assert.deepEqual(theirs.data.map((it) => [it.userID, it.followersCount]), [["bob", 1]], "an unknown account is left out");
    const types = await alice.chat.checkFollowType(["bob", "carol", "fan1"]);
    assert.deepEqual(types.data, [
      { userID: "bob", followType: 3 },
      { userID: "carol", followType: 2 },
      { userID: "fan1", followType: 0 },
    ]);

    const following = await alice.chat.getMyFollowingList();
    assert.deepEqual(following.data.resultList.map((it) => it.userID).sort(), ["bob", "carol"]);
    assert.equal(following.data.nextCursor, "");
    assert.ok(following.data.resultList.every((it) => it.followTime > 0));
    const followers = await bob.chat.getMyFollowersList();
    assert.equal(followers.data.resultList[0].nick, "Alice");
    const mutual = await alice.chat.getMutualFollowersList("");
    assert.deepEqual(mutual.data.resultList.map((it) => it.userID), ["bob"]);

    // Unfollowing: the users who left the lists come as IDs.
    const bobLoses = bob.events.next(EVENT.MUTUAL_FOLLOWERS_LIST_UPDATED, (data) => !data.isAdd, WAIT);
    const unfollowed = await alice.chat.unfollowUser(["bob"]);
    assert.deepEqual(unfollowed.data, [{ userID: "bob", resultCode: 0, resultInfo: "" }]);
    assert.deepEqual((await bobLoses).data, { userInfoList: ["alice"], isAdd: false });
    const after = await alice.chat.checkFollowType(["bob"]);
    assert.equal(after.data[0].followType, 1);
  } finally {
    await Promise.all([alice.chat.logout(), alicePhone.chat.logout(), bob.chat.logout()]);
  }
});

test("bad input: TIM's codes, and a refusal of every user rejects", async () => {
  const carol = await loggedIn(server, "carol");
  try {
    for (const fan of ["fan1", "fan2", "fan3"]) {
      const { chat } = await loggedIn(server, fan);
      await chat.followUser(["carol"]);
      await chat.logout();
    }
    assert.equal((await carol.chat.getUserFollowInfo()).data[0].followersCount, 4, "alice and the three fans");

    const empty = await rejection(carol.chat.followUser([]));
    assert.equal(empty.code, 6017);
    const notList = await rejection(carol.chat.unfollowUser("fan1"));
    assert.equal(notList.code, 6017);
    const tooMany = await rejection(carol.chat.followUser(Array.from({ length: 21 }, (_, i) => `fan${i}`)));
    assert.equal(tooMany.code, 30001);
    assert.match(tooMany.message, /20/);
    const onlyUnknown = await rejection(carol.chat.followUser(["nobody"]));
    assert.equal(onlyUnknown.code, 30003);
    const self = await rejection(carol.chat.followUser(["carol"]));
    assert.equal(self.code, 30001);
    const badCursor = await rejection(carol.chat.getMyFollowersList("not-a-cursor"));
    assert.equal(badCursor.code, 30001);
    assert.match(badCursor.message, /cursor/);
    const notText = await rejection(carol.chat.getMyFollowingList(5));
    assert.equal(notText.code, 6017);
    const noCheck = await rejection(carol.chat.checkFollowType(["nobody"]));
    assert.equal(noCheck.code, 30003);
    const noInfo = await rejection(carol.chat.getUserFollowInfo(["nobody"]));
    assert.equal(noInfo.code, 30003);
  } finally {
    await carol.chat.logout();
  }
});
