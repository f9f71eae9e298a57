// Running a group from TIM's Web SDK: updateGroupProfile, setGroupMemberRole,
// setGroupMemberMuteTime, setGroupMemberNameCard, changeGroupOwner, join requests and invitations
// waiting for approval (inviteOption) handled with getGroupApplicationList and
// handleGroupApplication, searchGroupByID, getGroupOnlineMemberCount
// and dismissGroup, with the members told through TIM's group tips (GRP_TIP) and
// GROUP_LIST_UPDATED.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { eventually, loggedIn, rejection, startServer, TencentCloudChat } from "./harness.mjs";

const { EVENT, TYPES } = TencentCloudChat;
let server;

before(async () => {
  server = await startServer();
  await server.importAccounts("alice", "bob", "carol", "dave");
});

after(async () => {
  await server?.stop();
});

function tip(events, operationType) {
  return events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.type === TYPES.MSG_GRP_TIP && m.payload.operationType === operationType));
}

async function tipPayload(promise, operationType) {
  const event = await promise;
  return event.data.find((m) => m.type === TYPES.MSG_GRP_TIP && m.payload.operationType === operationType).payload;
}

test("profile, roles, mutes, name cards and a new owner, told to the members as TIM's tips", async () => {
  const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map((user) => loggedIn(server, user)));
  try {
    const bobSees = bob.events.next(EVENT.GROUP_LIST_UPDATED, (list) => list.some((group) => group.groupID === "crew"));
    await alice.chat.createGroup({ name: "Crew", type: TYPES.GRP_PUBLIC, groupID: "crew", memberList: [{ userID: "bob" }, { userID: "carol" }] });
    await bobSees;

    const renamed = tip(bob.events, TYPES.GRP_TIP_GRP_PROFILE_UPDATED);
    const listed = bob.events.next(EVENT.GROUP_LIST_UPDATED, (list) => list.some((group) => group.name === "Release crew"));
    const updated = await alice.chat.updateGroupProfile({ groupID: "crew", name: "Release crew", notification: "Ship on Friday", muteAllMembers: false });
    assert.equal(updated.data.group.name, "Release crew");
    assert.equal(updated.data.group.notification, "Ship on Friday");
    const profileTip = await tipPayload(renamed, TYPES.GRP_TIP_GRP_PROFILE_UPDATED);
    assert.equal(profileTip.newGroupProfile.name, "Release crew");
    assert.equal(profileTip.newGroupProfile.notification, "Ship on Friday");
    assert.equal(profileTip.operatorID, "alice");
    await listed;

    const madeAdmin = tip(bob.events, TYPES.GRP_TIP_MBR_SET_ADMIN);
    await alice.chat.setGroupMemberRole({ groupID: "crew", userID: "bob", role: TYPES.GRP_MBR_ROLE_ADMIN });
    assert.deepEqual((await tipPayload(madeAdmin, TYPES.GRP_TIP_MBR_SET_ADMIN)).userIDList, ["bob"]);
    await eventually(async () => ((await bob.chat.getGroupList()).data.groupList.find((g) => g.groupID === "crew")?.selfInfo.role === TYPES.GRP_MBR_ROLE_ADMIN ? true : undefined), "bob an admin");

    const muted = tip(carol.events, TYPES.GRP_TIP_MBR_PROFILE_UPDATED);
    await bob.chat.setGroupMemberMuteTime({ groupID: "crew", userID: "carol", muteTime: 600 });
    assert.deepEqual((await tipPayload(muted, TYPES.GRP_TIP_MBR_PROFILE_UPDATED)).memberList, [{ userID: "carol", muteTime: 600 }]);
    const blocked = await rejection(carol.chat.sendMessage(carol.chat.createTextMessage({ to: "crew", conversationType: TYPES.CONV_GROUP, payload: { text: "hey" } })));
    assert.equal(blocked.code, 10017);
    await bob.chat.setGroupMemberMuteTime({ groupID: "crew", userID: "carol", muteTime: 0 });

    await carol.chat.setGroupMemberNameCard({ groupID: "crew", nameCard: "Carol (QA)" });
    const [card] = (await alice.chat.getGroupMemberProfile({ groupID: "crew", userIDList: ["carol"] })).data.memberList;
    assert.equal(card.nameCard, "Carol (QA)");
    assert.equal((await rejection(carol.chat.setGroupMemberRole({ groupID: "crew", userID: "bob", role: TYPES.GRP_MBR_ROLE_MEMBER }))).code, 10007);

    const handedOver = tip(carol.events, TYPES.GRP_TIP_GRP_PROFILE_UPDATED);
    const changed = await alice.chat.changeGroupOwner({ groupID: "crew", newOwnerID: "bob" });
    assert.equal(changed.data.group.ownerID, "bob");
    assert.equal(changed.data.group.selfInfo.role, TYPES.GRP_MBR_ROLE_MEMBER);
    assert.equal((await tipPayload(handedOver, TYPES.GRP_TIP_GRP_PROFILE_UPDATED)).newGroupProfile.ownerID, "bob");

    const online = await bob.chat.getGroupOnlineMemberCount("crew");
    assert.equal(online.data.memberCount, 3);
    const found = await carol.chat.searchGroupByID("crew");
    assert.equal(found.data.group.name, "Release crew");

    const dismissed = carol.events.next(EVENT.GROUP_LIST_UPDATED, (list) => !list.some((group) => group.groupID === "crew"));
    await bob.chat.dismissGroup("crew");
    await dismissed;
  } finally {
    for (const session of [alice, bob, carol]) await session.chat.logout();
  }
});

test("an invitation under inviteOption NeedPermission: the owner is told, lists it, agrees, and the invitee is in", async () => {
  const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map((user) => loggedIn(server, user)));
  try {
    await alice.chat.createGroup({ name: "Desk", type: TYPES.GRP_WORK, groupID: "desk", memberList: [{ userID: "bob" }] });
    const changed = tip(bob.events, TYPES.GRP_TIP_GRP_PROFILE_UPDATED);
    const updated = await alice.chat.updateGroupProfile({ groupID: "desk", inviteOption: TYPES.INVITE_OPTIONS_NEED_PERMISSION });
    assert.equal(updated.data.group.inviteOption, TYPES.INVITE_OPTIONS_NEED_PERMISSION);
    assert.equal((await tipPayload(changed, TYPES.GRP_TIP_GRP_PROFILE_UPDATED)).newGroupProfile.inviteOption, TYPES.INVITE_OPTIONS_NEED_PERMISSION);
    assert.equal((await bob.chat.getGroupProfile({ groupID: "desk" })).data.group.inviteOption, TYPES.INVITE_OPTIONS_NEED_PERMISSION);
    assert.equal((await rejection(alice.chat.updateGroupProfile({ groupID: "desk", inviteOption: "Sometimes" }))).code, 6017);
    assert.equal((await rejection(bob.chat.updateGroupProfile({ groupID: "desk", inviteOption: TYPES.INVITE_OPTIONS_FREE_ACCESS }))).code, 10007);

    // bob, an ordinary member, invites carol: she waits, and alice is told.
    const asked = alice.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE && m.payload.operationType === 24));
    await bob.chat.addGroupMember({ groupID: "desk", userIDList: ["carol"] });
    const notice = (await asked).data.find((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE);
    assert.equal(notice.payload.operatorID, "bob");
    assert.deepEqual(notice.payload.userIDList, ["carol"]);
    assert.equal((await rejection(carol.chat.sendMessage(carol.chat.createTextMessage({ to: "desk", conversationType: TYPES.CONV_GROUP, payload: { text: "in?" } })))).code, 10007);

    const { data } = await alice.chat.getGroupApplicationList();
    assert.equal(data.applicationList.length, 1);
    const [application] = data.applicationList;
    assert.equal(application.applicationType, 2);
    assert.equal(application.applicant, "bob");
    assert.equal(application.userID, "carol");
    assert.equal(application.groupID, "desk");

    const carolIn = carol.events.next(EVENT.GROUP_LIST_UPDATED, (list) => list.some((group) => group.groupID === "desk"));
    await alice.chat.handleGroupApplication({ handleAction: "Agree", application });
    await carolIn;
    assert.deepEqual((await alice.chat.getGroupApplicationList()).data.applicationList, []);
    assert.equal((await rejection(alice.chat.handleGroupApplication({ handleAction: "Agree", application }))).code, 10004);

    // Refused, from the notice: bob, who invited, is told.
    const asked2 = alice.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE && m.payload.operationType === 24));
    await bob.chat.addGroupMember({ groupID: "desk", userIDList: ["dave"] });
    const notice2 = (await asked2).data.find((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE);
    const refused = bob.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE && m.payload.operationType === 14));
    await alice.chat.handleGroupApplication({ handleAction: "Reject", message: notice2 });
    const told = (await refused).data.find((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE);
    assert.equal(told.payload.operatorID, "alice");
    assert.deepEqual(told.payload.userIDList, ["dave"]);
    assert.deepEqual((await alice.chat.getGroupApplicationList()).data.applicationList, []);

    // DisableInvite refuses even the owner's invitation.
    await alice.chat.updateGroupProfile({ groupID: "desk", inviteOption: TYPES.INVITE_OPTIONS_DISABLE_INVITE });
    assert.equal((await rejection(alice.chat.addGroupMember({ groupID: "desk", userIDList: ["dave"] }))).code, 10007);
  } finally {
    await Promise.all([alice, bob, carol].map((user) => user.chat.logout()));
  }
});

test("a join request: the admin is told, lists it, agrees, and the applicant is in", async () => {
  const [alice, dave] = await Promise.all(["alice", "dave"].map((user) => loggedIn(server, user)));
  try {
    await dave.chat.updateMyProfile({ nick: "Dave T" });
    await alice.chat.createGroup({ name: "Lobby", type: TYPES.GRP_PUBLIC, groupID: "lobby", joinOption: TYPES.JOIN_OPTIONS_NEED_PERMISSION });
    const asked = alice.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE && m.payload.operationType === 1));
    const joined = await dave.chat.joinGroup({ groupID: "lobby", applyMessage: "I test releases" });
    assert.equal(joined.data.status, TYPES.JOIN_STATUS_WAIT_APPROVAL);
    const notice = (await asked).data.find((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE);
    assert.equal(notice.payload.operatorID, "dave");

    const { data } = await alice.chat.getGroupApplicationList();
    assert.equal(data.applicationList.length, 1);
    const [application] = data.applicationList;
    assert.equal(application.applicant, "dave");
    assert.equal(application.groupID, "lobby");
    assert.equal(application.postscript, "I test releases");
    assert.equal(application.applicantNick, "Dave T");

    const daveIn = dave.events.next(EVENT.GROUP_LIST_UPDATED, (list) => list.some((group) => group.groupID === "lobby"));
    await alice.chat.handleGroupApplication({ handleAction: "Agree", application });
    await daveIn;
    assert.deepEqual((await alice.chat.getGroupApplicationList()).data.applicationList, []);
    assert.equal((await rejection(alice.chat.handleGroupApplication({ handleAction: "Agree", application }))).code, 10004);
    assert.equal((await rejection(alice.chat.handleGroupApplication({ handleAction: "Maybe", application }))).code, 6017);

    // A refused applicant holds no group: its notice names the group from the push.
    const erin = await loggedIn(server, "erin");
    try {
      const erinAsked = alice.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE && m.payload.operationType === 1 && m.payload.operatorID === "erin"));
      await erin.chat.joinGroup({ groupID: "lobby", applyMessage: "me too" });
      await erinAsked;
      const [erinApplication] = (await alice.chat.getGroupApplicationList()).data.applicationList;
      const refused = erin.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE && m.payload.operationType === 3));
      await alice.chat.handleGroupApplication({ handleAction: "Reject", application: erinApplication });
      const told = (await refused).data.find((m) => m.type === TYPES.MSG_GRP_SYS_NOTICE);
      assert.equal(told.payload.groupProfile.groupID, "lobby");
      assert.equal(told.payload.groupProfile.name, "Lobby");
      assert.equal(told.payload.operatorID, "alice");
      assert.ok(!(await erin.chat.getGroupList()).data.groupList.some((group) => group.groupID === "lobby"), "nothing joined");
    } finally {
      await erin.chat.logout();
    }
  } finally {
    await alice.chat.logout();
    await dave.chat.logout();
  }
});
