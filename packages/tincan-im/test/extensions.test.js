// Message extensions through TIM's Electron methods against a real tincan server:
// TIMMsgSetMessageExtensions, TIMMsgGetMessageExtensions and TIMMsgDeleteMessageExtensions,
// with TIMSetMsgExtensionsChangedCallback and TIMSetMsgExtensionsDeletedCallback; and receive
// options, TIMMsgSetC2CReceiveMessageOpt, TIMMsgGetC2CReceiveMessageOpt and
// TIMMsgSetGroupReceiveMessageOpt.
"use strict";

const assert = require("node:assert/strict");
const { after, before, test } = require("node:test");

const TimRender = require("../dist/renderer").default;
const { eventually, rejection, startServer, textMessage } = require("./helpers");

let server;
let alice;
let bob;
const heard = { changed: [], deleted: [] };

before(async () => {
  server = await startServer();
  alice = new TimRender({ instance: "extensions-alice" });
  bob = new TimRender({ instance: "extensions-bob" });
  for (const [sdk, user] of [
    [bob, "bob"],
    [alice, "alice"],
  ]) {
    await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
    await sdk.TIMLogin({ userID: user, userSig: server.userSig(user) });
  }
  await alice.TIMSetMsgExtensionsChangedCallback({
    callback: (...args) => heard.changed.push(args),
    user_data: "changed",
  });
  await alice.TIMSetMsgExtensionsDeletedCallback({
    callback: (...args) => heard.deleted.push(args),
    user_data: "deleted",
  });
});

after(async () => {
  for (const sdk of [alice, bob]) {
    await sdk?.TIMUninit();
  }
  await server?.stop();
});

/** Alice sends bob a message; resolves with the message as bob receives it (from his history). */
async function sendPoll(supportsExtensions) {
  const params = { ...textMessage("lunch at noon?"), message_support_message_extension: supportsExtensions };
  const sent = await alice.TIMMsgSendMessage({ conv_id: "bob", conv_type: 1, params });
  assert.equal(sent.code, 0, sent.desc);
  const history = await bob.TIMMsgGetMsgList({ conv_id: "alice", conv_type: 1, params: { msg_getmsglist_param_count: 1 } });
  assert.equal(history.code, 0, history.desc);
  const message = history.json_params[0];
  assert.equal(message.message_msg_id, sent.json_params.message_msg_id);
  return { mine: sent.json_params, theirs: message };
}

test("TIMMsgSetMessageExtensions sets keys, tells the conversation, and a stale change gets 23001", async () => {
  const { mine, theirs } = await sendPoll(true);
  assert.equal(theirs.message_support_message_extension, true, "the flag reaches the receiver");
  const set = await bob.TIMMsgSetMessageExtensions({
    json_msg: theirs,
    json_extension_array: [{ message_extension_key: "bob", message_extension_value: "yes" }],
    user_data: "set",
  });
  assert.equal(set.code, 0, set.desc);
  assert.equal(set.user_data, "set");
  assert.equal(typeof set.json_param, "string");
  assert.deepEqual(set.json_params, [
    {
      message_extension_result_code: 0,
      message_extension_result_info: "",
      message_extension_item: { message_extension_key: "bob", message_extension_value: "yes", message_extension_seq: 1 },
    },
  ]);
  await eventually(() => heard.changed.length > 0, "alice is told");
  const [messageId, extensions, userData] = heard.changed[0];
  assert.equal(messageId, mine.message_msg_id);
  assert.equal(userData, "changed");
  assert.deepEqual(JSON.parse(extensions).map((it) => [it.message_extension_key, it.message_extension_value]), [["bob", "yes"]]);

  // Bob changes his key again: the SDK knows its seq, so TIM's seq-less call just works.
  const again = await bob.TIMMsgSetMessageExtensions({
    json_msg: JSON.stringify(theirs),
    json_extension_array: [{ message_extension_key: "bob", message_extension_value: "no" }],
  });
  assert.equal(again.json_params[0].message_extension_result_code, 0, again.json_param);
  // A change made from seq 1, which is stale now.
  const stale = await alice.TIMMsgSetMessageExtensions({
    json_msg: mine,
    json_extension_array: [{ message_extension_key: "bob", message_extension_value: "maybe", message_extension_seq: 1 }],
  });
  assert.equal(stale.code, 0, "each key has its own result");
  assert.equal(stale.json_params[0].message_extension_result_code, 23001);
  assert.equal(stale.json_params[0].message_extension_item.message_extension_value, "no");

  const got = await alice.TIMMsgGetMessageExtensions({ json_msg: mine, user_data: "get" });
  assert.equal(got.code, 0, got.desc);
  assert.deepEqual(got.json_params, [{ message_extension_key: "bob", message_extension_value: "no", message_extension_seq: 2 }]);
});

test("TIMMsgDeleteMessageExtensions deletes keys given as TIM's strings or objects, or all of them", async () => {
  const { mine, theirs } = await sendPoll(true);
  const keys = ["a", "b", "c"].map((key) => ({ message_extension_key: key, message_extension_value: key }));
  assert.equal((await alice.TIMMsgSetMessageExtensions({ json_msg: mine, json_extension_array: keys })).code, 0);
  const deleted = await bob.TIMMsgDeleteMessageExtensions({
    json_msg: theirs,
    json_extension_key_array: ["a", { message_extension_key: "nope" }],
  });
  assert.equal(deleted.code, 0, deleted.desc);
  assert.deepEqual(
    deleted.json_params.map((it) => it.message_extension_result_code),
    [0, 23004],
  );
  await eventually(() => heard.deleted.some(([id]) => id === mine.message_msg_id), "alice is told of the deletion");
  const [, text] = heard.deleted.find(([id]) => id === mine.message_msg_id);
  assert.deepEqual(JSON.parse(text), [{ message_extension_key: "a" }]);
  const all = await alice.TIMMsgDeleteMessageExtensions({ json_msg: mine });
  assert.equal(all.json_params.length, 2, all.json_param);
  assert.deepEqual((await bob.TIMMsgGetMessageExtensions({ json_msg: theirs })).json_params, []);
});

test("a message sent without message_support_message_extension takes none, and bad input gets TIM's codes", async () => {
  const { mine } = await sendPoll(false);
  const refused = await rejection(
    alice.TIMMsgSetMessageExtensions({
      json_msg: mine,
      json_extension_array: [{ message_extension_key: "k", message_extension_value: "v" }],
    }),
  );
  assert.equal(refused.code, 6017);
  assert.match(refused.desc, /message_support_message_extension/);
  const noList = await rejection(alice.TIMMsgSetMessageExtensions({ json_msg: mine }));
  assert.equal(noList.code, 6017);
  assert.match(noList.desc, /json_extension_array/);
  const notJson = await rejection(alice.TIMMsgGetMessageExtensions({ json_msg: "{not json" }));
  assert.equal(notJson.code, 6027, notJson.desc);
  const { mine: poll } = await sendPoll(true);
  const tooLong = await rejection(
    alice.TIMMsgSetMessageExtensions({
      json_msg: poll,
      json_extension_array: [{ message_extension_key: "k".repeat(101), message_extension_value: "v" }],
    }),
  );
  assert.equal(tooLong.code, 6017);
  assert.match(tooLong.desc, /between 1 and 100/);
});

test("receive options are set, read back, shown as conv_recv_opt, and bad ones refused with TIM's codes", async () => {
  const set = await bob.TIMMsgSetC2CReceiveMessageOpt({ params: ["alice"], opt: 2, user_data: "opt" });
  assert.equal(set.code, 0, set.desc);
  assert.equal(set.user_data, "opt");
  const got = await bob.TIMMsgGetC2CReceiveMessageOpt({ params: ["alice"] });
  assert.deepEqual(got.json_params, [{ msg_recv_msg_opt_result_identifier: "alice", msg_recv_msg_opt_result_opt: 2 }]);
  const convs = await bob.TIMConvGetConvList({});
  assert.equal(convs.json_params.find((conv) => conv.conv_id === "alice").conv_recv_opt, 2);
  const created = await alice.TIMGroupCreate({
    params: { create_group_param_group_name: "quiet", create_group_param_group_type: 1 },
  });
  const groupId = JSON.parse(created.json_param).create_group_result_groupid;
  const notMember = await rejection(bob.TIMMsgSetGroupReceiveMessageOpt({ group_id: groupId, opt: 1 }));
  assert.equal(notMember.code, 10007, notMember.desc);
  assert.equal((await alice.TIMMsgSetGroupReceiveMessageOpt({ group_id: groupId, opt: 1 })).code, 0);
  const bad = await rejection(bob.TIMMsgSetC2CReceiveMessageOpt({ params: ["alice"], opt: 7 }));
  assert.equal(bad.code, 6017);
  assert.match(bad.desc, /opt 7/);
  const ghost = await rejection(bob.TIMMsgSetC2CReceiveMessageOpt({ params: ["alice", "ghost"], opt: 1 }));
  assert.equal(ghost.code, 20003, ghost.desc);
});
