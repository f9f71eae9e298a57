// Profiles, user status and TIM's base methods through TimRender against a real tincan server:
// parameters and results as TIM's Electron SDK has them, the profile and status callbacks,
// several new-message listeners, TIMLogout unregistering callbacks, and the group methods.
"use strict";

const assert = require("node:assert/strict");
const { after, before, test } = require("node:test");

const TimRender = require("../dist/renderer").default;
const { eventually, rejection, startServer, textMessage } = require("./helpers");

let server;
let alice;
let alicePhone;
let bob;
const heard = { alice: {}, alicePhone: {}, bob: {} };

function record(user, name) {
  return (...args) => {
    (heard[user][name] ??= []).push(args);
  };
}

function last(user, name) {
  const calls = heard[user][name];
  return calls === undefined ? undefined : calls[calls.length - 1];
}

before(async () => {
  server = await startServer();
  alice = new TimRender({ instance: "p-alice" });
  alicePhone = new TimRender({ instance: "p-alice-phone" });
  bob = new TimRender({ instance: "p-bob" });
  for (const [sdk, user] of [
    [alice, "alice"],
    [alicePhone, "alice"],
    [bob, "bob"],
  ]) {
    assert.equal(await sdk.TIMGetLoginStatus(), 3, "not logged in before TIMLogin");
    await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
    await sdk.TIMLogin({ userID: user, userSig: server.userSig(user) });
  }
});

after(async () => {
  for (const sdk of [alice, alicePhone, bob]) {
    await sdk?.TIMUninit();
  }
  await server?.stop();
});

test("the base methods answer as TIM's do", async () => {
  assert.equal(await alice.TIMGetLoginStatus(), 1);
  assert.deepEqual(await alice.TIMGetLoginUserID(), { code: 0, desc: "", json_param: "alice", user_data: "" });
  const time = await alice.TIMGetServerTime();
  assert.ok(Math.abs(time - Date.now() / 1000) < 60, `server time ${time}`);
  assert.match(await alice.TIMGetSDKVersion(), /^tincan-im \d+\.\d+\.\d+/);
  const config = await alice.TIMSetConfig({ json_config: { set_config_log_level: 1 }, user_data: "cfg" });
  assert.equal(config.code, 0);
  assert.equal(config.user_data, "cfg");
  const bad = await rejection(alice.TIMSetConfig({ json_config: "loud", user_data: "cfg" }));
  assert.equal(bad.code, 6017);
  const accepted = await alice.callExperimentalAPI({
    json_param: { request_internal_operation: "internal_operation_set_ui_platform", request_set_ui_platform_param: 27 },
    user_data: "x",
  });
  assert.equal(accepted.code, 0);
  const refused = await rejection(
    alice.callExperimentalAPI({ json_param: { request_internal_operation: "internal_operation_sso_data" } }),
  );
  assert.equal(refused.code, 7013);
  assert.match(refused.desc, /internal_operation_sso_data/);
});

test("TIMProfileModifySelfUserProfile changes the profile; the user's other devices and subscribers hear of it", async () => {
  await alicePhone.TIMSetSelfInfoUpdatedCallback({ callback: record("alicePhone", "self"), user_data: "phone" });
  await bob.TIMSetUserInfoChangedCallback({ callback: record("bob", "info"), user_data: "bob info" });
  const subscribed = await bob.TIMSubscribeUserInfo({ json_user_id_list: ["alice"], user_data: "sub" });
  assert.deepEqual(subscribed, { code: 0, desc: "", json_param: "", user_data: "sub" });

  const result = await alice.TIMProfileModifySelfUserProfile({
    json_modify_self_user_profile_param: {
      user_profile_item_nick_name: "Alice",
      user_profile_item_face_url: "https://example.com/alice.png",
      user_profile_item_gender: 2,
      user_profile_item_custom_string_array: [
        { user_profile_custom_string_info_key: "Hobby", user_profile_custom_string_info_value: "chess" },
      ],
    },
    user_data: "modify",
  });
  assert.deepEqual(result, { code: 0, desc: "", json_param: "", user_data: "modify" });

  const [selfText, selfData] = await eventually(() => last("alicePhone", "self"), "TIMSetSelfInfoUpdatedCallback");
  assert.equal(selfData, "phone");
  const self = JSON.parse(selfText);
  assert.equal(self.user_profile_identifier, "alice");
  assert.equal(self.user_profile_nick_name, "Alice");
  assert.deepEqual(self.user_profile_custom_string_array, [
    { user_profile_custom_string_info_key: "Tag_Profile_Custom_Hobby", user_profile_custom_string_info_value: "chess" },
  ]);
  const [infoText, infoData] = await eventually(() => last("bob", "info"), "TIMSetUserInfoChangedCallback");
  assert.equal(infoData, "bob info");
  assert.deepEqual(JSON.parse(infoText), [self]);

  const list = await bob.TIMProfileGetUserProfileList({
    json_get_user_profile_list_param: {
      friendship_getprofilelist_param_identifier_array: ["alice", "nobody"],
      friendship_getprofilelist_param_force_update: true,
    },
    user_data: "get",
  });
  assert.equal(list.user_data, "get");
  assert.ok(Array.isArray(list.json_param), "json_param is the parsed array, as TIM's wrapper gives it");
  assert.deepEqual(list.json_param, [self]);

  const tooLong = await rejection(
    alice.TIMProfileModifySelfUserProfile({
      json_modify_self_user_profile_param: { user_profile_item_nick_name: "n".repeat(501) },
      user_data: "long",
    }),
  );
  assert.equal(tooLong.code, 40601);
  assert.equal(tooLong.user_data, "long");
  const badGender = await rejection(
    alice.TIMProfileModifySelfUserProfile({ json_modify_self_user_profile_param: { user_profile_item_gender: 7 } }),
  );
  assert.equal(badGender.code, 40605);
  const unknownKey = await rejection(
    alice.TIMProfileModifySelfUserProfile({ json_modify_self_user_profile_param: { user_profile_item_nick: "x" } }),
  );
  assert.equal(unknownKey.code, 6017);
  assert.match(unknownKey.desc, /user_profile_item_nick/);
  // TIM's typings declare the location a number; it is kept as its text.
  await alice.TIMProfileModifySelfUserProfile({ json_modify_self_user_profile_param: { user_profile_item_location: 4401 } });
  const located = await bob.TIMProfileGetUserProfileList({
    json_get_user_profile_list_param: { friendship_getprofilelist_param_identifier_array: ["alice"] },
  });
  assert.equal(located.json_param[0].user_profile_location, "4401");
  const missing = await rejection(bob.TIMSubscribeUserInfo({ json_user_id_list: ["nobody"] }));
  assert.equal(missing.code, 40003);
});

test("messages carry the sender's current profile", async () => {
  await bob.TIMSetRecvNewMsgCallback({ callback: record("bob", "recv"), user_data: "" });
  await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("hello") });
  const [text] = await eventually(() => last("bob", "recv"), "the message");
  const [message] = JSON.parse(text);
  assert.equal(message.message_sender_profile.user_profile_nick_name, "Alice");
  assert.equal(message.message_sender_profile.user_profile_face_url, "https://example.com/alice.png");
});

test("user status: TIMGetUserStatus, TIMSetSelfStatus, TIMSubscribeUserStatus and its callback", async () => {
  await bob.TIMSetUserStatusChangedCallback({ callback: record("bob", "status"), user_data: "bob status" });
  await alicePhone.TIMSetUserStatusChangedCallback({ callback: record("alicePhone", "status") });
  const got = await bob.TIMGetUserStatus({ id_array: ["alice"], user_data: "st" });
  assert.equal(got.user_data, "st");
  assert.deepEqual(got.json_param, [
    { user_status_identifier: "alice", user_status_status_type: 1, user_status_custom_status: "" },
  ]);
  const sub = await bob.TIMSubscribeUserStatus({ id_array: ["alice"], user_data: "sub" });
  assert.deepEqual(sub, { code: 0, desc: "", json_param: "", user_data: "sub" });
  await eventually(() => last("bob", "status"), "the current status after subscribing");

  const set = await alice.TIMSetSelfStatus({ status: { user_status_custom_status: "coding" }, user_data: "set" });
  assert.deepEqual(set, { code: 0, desc: "", json_param: "", user_data: "set" });
  const [atBob, bobData] = await eventually(() => {
    const call = last("bob", "status");
    return call && JSON.parse(call[0])[0].user_status_custom_status === "coding" ? call : undefined;
  }, "bob hears the custom status");
  assert.equal(bobData, "bob status");
  assert.equal(JSON.parse(atBob)[0].user_status_status_type, 1);
  await eventually(() => {
    const call = last("alicePhone", "status");
    return call && JSON.parse(call[0])[0].user_status_custom_status === "coding" ? call : undefined;
  }, "alice's other device hears it");

  const tooLong = await rejection(alice.TIMSetSelfStatus({ status: { user_status_custom_status: "s".repeat(101) } }));
  assert.equal(tooLong.code, 6017);
  const unsub = await bob.TIMUnsubscribeUserStatus({ id_array: [], user_data: "unsub" });
  assert.equal(unsub.code, 0);
});

test("TIMAddRecvNewMsgCallback keeps several listeners; TIMRemoveRecvNewMsgCallback removes one or all", async () => {
  const first = record("bob", "first");
  const second = record("bob", "second");
  await bob.TIMRemoveRecvNewMsgCallback();
  await bob.TIMAddRecvNewMsgCallback({ callback: first, user_data: "one" });
  await bob.TIMAddRecvNewMsgCallback({ callback: second, user_data: "two" });
  await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("to both") });
  const [, oneData] = await eventually(() => last("bob", "first"), "the first listener");
  const [, twoData] = await eventually(() => last("bob", "second"), "the second listener");
  assert.equal(oneData, "one");
  assert.equal(twoData, "two");

  await bob.TIMRemoveRecvNewMsgCallback({ callback: first });
  await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params: textMessage("to the second") });
  await eventually(() => (heard.bob.second.length === 2 ? true : undefined), "the second listener again");
  assert.equal(heard.bob.first.length, 1, "the removed listener is not called");
});

test("the group methods the server has are routed", async () => {
  const created = await alice.TIMGroupCreate({
    params: {
      create_group_param_group_name: "Team",
      create_group_param_group_type: 0,
      create_group_param_group_id: "team",
      create_group_param_add_option: 2,
    },
    data: "create",
  });
  assert.equal(created.code, 0);
  const joined = await bob.TIMGroupJoin({ groupId: "team", helloMsg: "hi", data: "join" });
  assert.deepEqual(joined, { code: 0, desc: "", json_param: "", user_data: "join" });
  const info = await bob.TIMGroupGetGroupInfoList({ groupIds: ["team", "nope"], data: "info" });
  assert.equal(info.user_data, "info");
  assert.equal(info.json_params.length, 2);
  assert.equal(info.json_params[0].get_groups_info_result_code, 0);
  assert.equal(info.json_params[1].get_groups_info_result_code, 10010);
  const list = await bob.TIMGroupGetJoinedGroupList("mine");
  assert.equal(list.user_data, "mine");
  assert.deepEqual(JSON.parse(list.json_param), list.json_params);
  assert.ok(list.json_params.some((group) => group.group_base_info_group_id === "team"));
  const notOwner = await rejection(bob.TIMGroupDelete({ groupId: "team", data: "del" }));
  assert.equal(notOwner.code, 10007);
  assert.equal(notOwner.user_data, "del");
  const dismissed = await alice.TIMGroupDelete({ groupId: "team", data: "del" });
  assert.equal(dismissed.code, 0);
  const gone = await rejection(bob.TIMGroupJoin({ groupId: "team" }));
  assert.equal(gone.code, 10010);
});

test("TIMLogout unregisters the callbacks, as TIM's does", async () => {
  await alicePhone.TIMLogout({ userData: "bye" });
  assert.equal(await alicePhone.TIMGetLoginStatus(), 3);
  assert.deepEqual(await alicePhone.TIMGetLoginUserID(), { code: 0, desc: "", json_param: "", user_data: "" });
  const before = (heard.alicePhone.self ?? []).length;
  await alicePhone.TIMLogin({ userID: "alice", userSig: server.userSig("alice") });
  await alice.TIMProfileModifySelfUserProfile({ json_modify_self_user_profile_param: { user_profile_item_level: 9 } });
  // Once the change is readable it has been pushed; the instance that logged out heard nothing.
  const profiles = await bob.TIMProfileGetUserProfileList({
    json_get_user_profile_list_param: { friendship_getprofilelist_param_identifier_array: ["alice"] },
  });
  assert.equal(profiles.json_param[0].user_profile_level, 9);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal((heard.alicePhone.self ?? []).length, before, "the callback set before the logout was removed");
});
