// TIM's group methods beyond membership, against a real tincan server: dismissing, joining,
// group details, profile and owner changes, member roles and mutes, the online count, the
// group tips callback every member hears, and the REST API's group system notifications.
"use strict";

const assert = require("node:assert/strict");
const { after, before, test } = require("node:test");

const TimRender = require("../dist/renderer").default;
const { eventually, rejection, startServer, textMessage } = require("./helpers");

let server;
const sdks = {};
/** The group tips each user's callback received, parsed, with its user data. */
const tips = { owner: [], ann: [], ben: [] };

const FLAG_NAME = 0x1;
const FLAG_NOTIFICATION = 0x2;
const FLAG_SHUTUP_ALL = 0x100;
const FLAG_CUSTOM = 0x200;
const FLAG_OWNER = -2147483648;
const MEMBER_FLAG_ROLE = 0x2;
const MEMBER_FLAG_SHUTUP = 0x4;
const MEMBER_FLAG_NAME_CARD = 0x8;

before(async () => {
  server = await startServer();
  for (const user of ["owner", "ann", "ben"]) {
    const sdk = new TimRender({ instance: `groups-${user}` });
    await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
    await sdk.TIMSetGroupTipsEventCallback({
      callback: (text, userData) => tips[user].push({ tip: JSON.parse(text), userData }),
      data: `${user} tips`,
    });
    await sdk.TIMLogin({ userID: user, userSig: server.userSig(user) });
    sdks[user] = sdk;
  }
});

after(async () => {
  for (const sdk of Object.values(sdks)) {
    await sdk.TIMUninit();
  }
  await server?.stop();
});

async function createGroup(type, members) {
  const created = await sdks.owner.TIMGroupCreate({
    params: {
      create_group_param_group_name: "crew",
      create_group_param_group_type: type,
      create_group_param_group_member_array: members.map((id) => ({ group_member_info_identifier: id })),
    },
  });
  return created.json_params.create_group_result_groupid;
}

function heard(user, type) {
  return tips[user].filter((it) => it.tip.group_tips_elem_tip_type === type);
}

test("TIMGroupModifyGroupInfo changes the profile, tells every member, and TIMGroupGetGroupInfoList shows it", async () => {
  const groupId = await createGroup(0, ["ann", "ben"]);
  const result = await sdks.owner.TIMGroupModifyGroupInfo({
    params: {
      group_modify_info_param_group_id: groupId,
      group_modify_info_param_modify_flag: FLAG_NAME | FLAG_NOTIFICATION | FLAG_CUSTOM,
      group_modify_info_param_group_name: "Release crew",
      group_modify_info_param_notification: "ship on Friday",
      group_modify_info_param_custom_info: [
        { group_info_custom_string_info_key: "level", group_info_custom_string_info_value: "gold" },
      ],
    },
    data: "rename",
  });
  assert.deepEqual(result, { code: 0, desc: "", json_param: "", user_data: "rename" });
  const tip = await eventually(() => heard("ann", 6)[0], "ann hears the change");
  assert.equal(tip.userData, "ann tips");
  assert.equal(tip.tip.group_tips_elem_group_id, groupId);
  assert.deepEqual(
    tip.tip.group_tips_elem_group_change_info_array.map((it) => it.group_tips_group_change_info_flag),
    [1, 3, 6],
  );
  const info = await sdks.ben.TIMGroupGetGroupInfoList({ groupIds: [groupId, "nope"], data: "info" });
  assert.equal(info.user_data, "info");
  assert.equal(typeof info.json_param, "string");
  const [found, missing] = info.json_params;
  assert.equal(found.get_groups_info_result_info.group_detail_info_group_name, "Release crew");
  assert.equal(found.get_groups_info_result_info.group_detail_info_notification, "ship on Friday");
  assert.deepEqual(found.get_groups_info_result_info.group_detail_info_custom_info, [
    { group_info_custom_string_info_key: "level", group_info_custom_string_info_value: "gold" },
  ]);
  assert.equal(missing.get_groups_info_result_code, 10010);
  // An ordinary member of a Public group may not; the promise rejects with TIM's code.
  const refused = await rejection(
    sdks.ann.TIMGroupModifyGroupInfo({
      params: {
        group_modify_info_param_group_id: groupId,
        group_modify_info_param_modify_flag: FLAG_NAME,
        group_modify_info_param_group_name: "mine",
      },
      data: "try",
    }),
  );
  assert.equal(refused.code, 10007);
  assert.equal(refused.user_data, "try");
  // A flag whose field is missing is a bad parameter.
  const missingField = await rejection(
    sdks.owner.TIMGroupModifyGroupInfo({
      params: { group_modify_info_param_group_id: groupId, group_modify_info_param_modify_flag: FLAG_NOTIFICATION },
    }),
  );
  assert.equal(missingField.code, 6017);
});

test("mute-all and member mutes refuse sends with 10017, and TIMGroupModifyMemberInfo sets roles and name cards", async () => {
  const groupId = await createGroup(0, ["ann", "ben"]);
  const send = (user, text) =>
    sdks[user].TIMMsgSendMessage({ conv_id: groupId, conv_type: 2, params: textMessage(text), user_data: "" });
  await sdks.owner.TIMGroupModifyGroupInfo({
    params: {
      group_modify_info_param_group_id: groupId,
      group_modify_info_param_modify_flag: FLAG_SHUTUP_ALL,
      group_modify_info_param_is_shutup_all: true,
    },
  });
  assert.equal((await rejection(send("ben", "hello?"))).code, 10017);
  await send("owner", "only I speak");
  await sdks.owner.TIMGroupModifyMemberInfo({
    params: {
      group_modify_member_info_group_id: groupId,
      group_modify_member_info_identifier: "ann",
      group_modify_member_info_modify_flag: MEMBER_FLAG_ROLE | MEMBER_FLAG_NAME_CARD,
      group_modify_member_info_member_role: 300,
      group_modify_member_info_name_card: "Ann (admin)",
    },
  });
  await eventually(() => heard("ben", 4).find((it) => it.tip.group_tips_elem_group_id === groupId), "ben hears SetAdmin");
  await send("ann", "admins speak while the group is muted");
  await sdks.ann.TIMGroupModifyGroupInfo({
    params: {
      group_modify_info_param_group_id: groupId,
      group_modify_info_param_modify_flag: FLAG_SHUTUP_ALL,
      group_modify_info_param_is_shutup_all: false,
    },
  });
  await sdks.ann.TIMGroupModifyMemberInfo({
    params: {
      group_modify_member_info_group_id: groupId,
      group_modify_member_info_identifier: "ben",
      group_modify_member_info_modify_flag: MEMBER_FLAG_SHUTUP,
      group_modify_member_info_shutup_time: 120,
    },
    data: "mute ben",
  });
  const muted = await eventually(
    () => heard("ben", 7).find((it) => it.tip.group_tips_elem_group_id === groupId),
    "ben hears his mute",
  );
  assert.deepEqual(muted.tip.group_tips_elem_member_change_info_array, [
    { group_tips_member_change_info_identifier: "ben", group_tips_member_change_info_shutupTime: 120 },
  ]);
  assert.equal((await rejection(send("ben", "still muted"))).code, 10017);
  const members = await sdks.ben.TIMGroupGetMemberInfoList({
    params: { group_get_members_info_list_param_group_id: groupId },
  });
  const byId = Object.fromEntries(
    members.json_params.group_get_member_info_list_result_info_array.map((it) => [it.group_member_info_identifier, it]),
  );
  assert.equal(byId.ann.group_member_info_member_role, 300);
  assert.equal(byId.ann.group_member_info_name_card, "Ann (admin)");
  assert.ok(byId.ben.group_member_info_shutup_time > 0);
  // An ordinary member mutes no one.
  const refused = await rejection(
    sdks.ben.TIMGroupModifyMemberInfo({
      params: {
        group_modify_member_info_group_id: groupId,
        group_modify_member_info_identifier: "ann",
        group_modify_member_info_modify_flag: MEMBER_FLAG_SHUTUP,
        group_modify_member_info_shutup_time: 60,
      },
    }),
  );
  assert.equal(refused.code, 10007);
  const online = await sdks.ann.TIMGroupGetOnlineMemberCount({ groupId, data: "online" });
  assert.deepEqual(online.json_params, { group_get_online_member_count_result: 3 });
  assert.equal(online.user_data, "online");
});

test("the owner hands a group over, and TIMGroupJoin, TIMGroupGetJoinedGroupList and TIMGroupDelete work", async () => {
  const groupId = await createGroup(0, ["ann"]);
  await sdks.owner.TIMGroupModifyGroupInfo({
    params: {
      group_modify_info_param_group_id: groupId,
      group_modify_info_param_modify_flag: FLAG_OWNER,
      group_modify_info_param_owner: "ann",
    },
  });
  const change = await eventually(
    () => heard("ann", 6).find((it) => it.tip.group_tips_elem_group_change_info_array[0]?.group_tips_group_change_info_flag === 5),
    "ann hears she owns the group",
  );
  assert.equal(change.tip.group_tips_elem_group_change_info_array[0].group_tips_group_change_info_value, "ann");
  await sdks.ben.TIMGroupJoin({ groupId, helloMsg: "hi", data: "join" });
  const joined = await sdks.ben.TIMGroupGetJoinedGroupList("joined");
  assert.equal(joined.user_data, "joined");
  assert.ok(joined.json_params.some((it) => it.group_base_info_group_id === groupId));
  assert.equal((await rejection(sdks.owner.TIMGroupDelete({ groupId }))).code, 10007, "no longer the owner");
  await sdks.ann.TIMGroupDelete({ groupId, data: "bye" });
  const after = await sdks.ben.TIMGroupGetGroupInfoList({ groupIds: [groupId] });
  assert.equal(after.json_params[0].get_groups_info_result_code, 10010);
});

test("an Auth group's join requests are listed, marked read and handled with TIM's pendency methods", async () => {
  const groupId = await createGroup(0, []);
  await sdks.owner.TIMGroupModifyGroupInfo({
    params: {
      group_modify_info_param_group_id: groupId,
      group_modify_info_param_modify_flag: 0x10,
      group_modify_info_param_add_option: 1,
    },
  });
  await sdks.ann.TIMGroupJoin({ groupId, helloMsg: "let me in" });
  await sdks.ben.TIMGroupJoin({ groupId, helloMsg: "me too" });
  const list = await sdks.owner.TIMGroupGetPendencyList({
    params: { group_pendency_option_start_time: 0, group_pendency_option_max_limited: 10 },
    data: "list",
  });
  assert.equal(list.user_data, "list");
  assert.equal(typeof list.json_param, "string");
  const mine = list.json_params.group_pendency_result_pendency_array.filter((it) => it.group_pendency_group_id === groupId);
  assert.deepEqual(mine.map((it) => it.group_pendency_form_identifier).sort(), ["ann", "ben"]);
  assert.equal(mine.find((it) => it.group_pendency_form_identifier === "ann").group_pendency_apply_invite_msg, "let me in");
  assert.ok(list.json_params.group_pendency_result_unread_num >= 2);
  const newest = Math.max(...mine.map((it) => it.group_pendency_add_time));
  await sdks.owner.TIMGroupReportPendencyReaded({ timeStamp: newest, data: "read" });
  const after = await sdks.owner.TIMGroupGetPendencyList({
    params: { group_pendency_option_start_time: 0, group_pendency_option_max_limited: 10 },
  });
  assert.equal(after.json_params.group_pendency_result_unread_num, 0);
  assert.equal(after.json_params.group_pendency_result_read_time_seq, newest);
  const ann = mine.find((it) => it.group_pendency_form_identifier === "ann");
  await sdks.owner.TIMGroupHandlePendency({
    params: { group_handle_pendency_param_is_accept: true, group_handle_pendency_param_pendency: ann },
    data: "accept",
  });
  const ben = mine.find((it) => it.group_pendency_form_identifier === "ben");
  await sdks.owner.TIMGroupHandlePendency({
    params: { group_handle_pendency_param_is_accept: false, group_handle_pendency_param_pendency: ben },
  });
  const members = await sdks.owner.TIMGroupGetMemberInfoList({
    params: { group_get_members_info_list_param_group_id: groupId },
  });
  assert.deepEqual(
    members.json_params.group_get_member_info_list_result_info_array.map((it) => it.group_member_info_identifier).sort(),
    ["ann", "owner"],
  );
  const again = await rejection(
    sdks.owner.TIMGroupHandlePendency({
      params: { group_handle_pendency_param_is_accept: true, group_handle_pendency_param_pendency: ben },
    }),
  );
  assert.equal(again.code, 10004, "a handled request is gone");
  // An ordinary member sees no requests; a page's keys may be left out.
  const annList = await sdks.ann.TIMGroupGetPendencyList({ params: {} });
  assert.deepEqual(annList.json_params.group_pendency_result_pendency_array, []);
});

test("the approve option holds an ordinary member's invitation for TIMGroupHandlePendency, as kTIMGroupPendency_InviteJoin", async () => {
  const created = await sdks.owner.TIMGroupCreate({
    params: {
      create_group_param_group_name: "desk",
      create_group_param_group_type: 1,
      create_group_param_group_member_array: [{ group_member_info_identifier: "ann" }],
      create_group_param_approve_option: 1,
    },
  });
  const groupId = created.json_params.create_group_result_groupid;
  const info = await sdks.ann.TIMGroupGetGroupInfoList({ groupIds: [groupId] });
  assert.equal(info.json_params[0].get_groups_info_result_info.group_detail_info_approve_option, 1);
  const invited = await sdks.ann.TIMGroupInviteMember({
    params: { group_invite_member_param_group_id: groupId, group_invite_member_param_identifier_array: ["ben"] },
  });
  assert.deepEqual(invited.json_params, [{ group_invite_member_result_identifier: "ben", group_invite_member_result_result: 3 }]);
  const list = await sdks.owner.TIMGroupGetPendencyList({
    params: { group_pendency_option_start_time: 0, group_pendency_option_max_limited: 10 },
  });
  const pending = list.json_params.group_pendency_result_pendency_array.filter((it) => it.group_pendency_group_id === groupId);
  assert.equal(pending.length, 1);
  assert.equal(pending[0].group_pendency_pendency_type, 1);
  assert.equal(pending[0].group_pendency_form_identifier, "ann");
  assert.equal(pending[0].group_pendency_to_identifier, "ben");
  await sdks.owner.TIMGroupHandlePendency({
    params: { group_handle_pendency_param_is_accept: true, group_handle_pendency_param_pendency: pending[0] },
  });
  const members = await sdks.owner.TIMGroupGetMemberInfoList({
    params: { group_get_members_info_list_param_group_id: groupId },
  });
  assert.deepEqual(
    members.json_params.group_get_member_info_list_result_info_array.map((it) => it.group_member_info_identifier).sort(),
    ["ann", "ben", "owner"],
  );
  // The flag changes it; an invitation under Forbid is refused, the owner's included.
  await sdks.owner.TIMGroupModifyGroupInfo({
    params: {
      group_modify_info_param_group_id: groupId,
      group_modify_info_param_modify_flag: 0x1000,
      group_modify_info_param_approve_option: 0,
    },
  });
  const refused = await rejection(
    sdks.owner.TIMGroupInviteMember({
      params: { group_invite_member_param_group_id: groupId, group_invite_member_param_identifier_array: ["carl"] },
    }),
  );
  assert.equal(refused.code, 10007);
});

test("TIMGroupSearchGroups and TIMGroupSearchGroupMembers find by ID, name and name card", async () => {
  const groupId = await createGroup(0, ["ann", "ben"]);
  await sdks.owner.TIMGroupModifyGroupInfo({
    params: {
      group_modify_info_param_group_id: groupId,
      group_modify_info_param_modify_flag: FLAG_NAME,
      group_modify_info_param_group_name: "Searchable Squad",
    },
  });
  await sdks.ben.TIMGroupModifyMemberInfo({
    params: {
      group_modify_member_info_group_id: groupId,
      group_modify_member_info_identifier: "ben",
      group_modify_member_info_modify_flag: MEMBER_FLAG_NAME_CARD,
      group_modify_member_info_name_card: "Zed Tester",
    },
  });
  const groups = await sdks.ann.TIMGroupSearchGroups({
    searchParams: { group_search_params_keyword_list: ["squad"], group_search_params_field_list: [2] },
    data: "groups",
  });
  assert.equal(groups.user_data, "groups");
  assert.deepEqual(groups.json_params.map((it) => it.group_detail_info_group_id), [groupId]);
  const members = await sdks.ann.TIMGroupSearchGroupMembers({
    searchParams: {
      group_search_member_params_groupid_list: [groupId],
      group_search_member_params_keyword_list: ["zed"],
      group_search_member_params_field_list: [8],
    },
  });
  assert.equal(members.json_params.length, 1);
  assert.equal(members.json_params[0].group_search_member_result_groupid, groupId);
  assert.deepEqual(
    members.json_params[0].group_search_member_result_member_info_list.map((it) => it.group_member_info_identifier),
    ["ben"],
  );
  const empty = await rejection(
    sdks.ann.TIMGroupSearchGroupMembers({ searchParams: { group_search_member_params_keyword_list: [] } }),
  );
  assert.equal(empty.code, 6017);
});

test("TIMSetGroupTipsEventCallback takes null to stop, and rejects a callback that is not a function", async () => {
  await sdks.ben.TIMSetGroupTipsEventCallback({ callback: null });
  const count = tips.ben.length;
  const groupId = await createGroup(0, ["ben"]);
  await sdks.owner.TIMGroupModifyGroupInfo({
    params: {
      group_modify_info_param_group_id: groupId,
      group_modify_info_param_modify_flag: FLAG_NAME,
      group_modify_info_param_group_name: "quiet",
    },
  });
  await eventually(() => heard("owner", 6).find((it) => it.tip.group_tips_elem_group_id === groupId), "owner hears it");
  assert.equal(tips.ben.length, count);
  const bad = await rejection(sdks.ben.TIMSetGroupTipsEventCallback({ callback: 7 }));
  assert.equal(bad.code, 6017);
});

test("a group system notification from the REST API reaches TIMAddRecvNewMsgCallback as a group report element", async () => {
  const groupId = await createGroup(0, ["ann", "ben"]);
  const received = { ann: [], ben: [] };
  for (const user of ["ann", "ben"]) {
    await sdks[user].TIMAddRecvNewMsgCallback({
      callback: (json, userData) => received[user].push({ messages: JSON.parse(json), userData }),
      user_data: `${user} recv`,
    });
  }
  const query = `sdkappid=${server.sdkappid}&identifier=administrator&usersig=${server.userSig("administrator")}&random=1&contenttype=json`;
  const answer = await fetch(`http://${server.address}/v4/group_open_http_svc/send_group_system_notification?${query}`, {
    method: "POST",
    body: JSON.stringify({ GroupId: groupId, ToMembers_Account: ["ann"], Content: "maintenance at 22:00" }),
  });
  assert.equal((await answer.json()).ErrorCode, 0);
  const reports = () =>
    received.ann
      .flatMap((call) => call.messages)
      .filter((message) => message.message_elem_array[0]?.elem_type === 8);
  const [report] = await eventually(() => reports().length > 0 && reports(), "the notification");
  assert.equal(report.message_conv_id, groupId);
  assert.equal(report.message_conv_type, 2);
  const elem = report.message_elem_array[0];
  assert.equal(elem.group_report_elem_report_type, 16);
  assert.equal(elem.group_report_elem_group_id, groupId);
  assert.equal(elem.group_report_elem_user_data, "maintenance at 22:00");
  assert.equal(received.ann[0].userData, "ann recv");
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(
    received.ben.flatMap((call) => call.messages).every((message) => message.message_elem_array[0]?.elem_type !== 8),
    "a member not named gets nothing",
  );
  for (const user of ["ann", "ben"]) {
    await sdks[user].TIMRemoveRecvNewMsgCallback();
  }
});
