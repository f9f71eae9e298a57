// End-to-end tests of a group's settings in the chat client, in headless Chromium against a real
// `tincan serve`: the profile changed by its owner, roles, mutes, mute-all, a join request refused
// and one approved, a member removed, the group handed over, quitting and dismissing, each change
// seen by the other members as a readable line in the timeline; a Work group's members describing
// it at 360 px. Screenshots go to target/web-artifacts/.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser, newContext, screenshot, signInToChat, startServer } from "./harness.mjs";

const WAIT_MS = 10_000;

let server;
let browser;
const contexts = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await server.rest("im_open_login_svc", "multiaccount_import", { Accounts: ["alice", "bob", "carol", "dave"] });
  await server.cli("group", "create", "--as", "alice", "--name", "Club", "--type", "Public", "--id", "club", "--members", "bob,carol");
  await server.cli("group", "create", "--as", "alice", "--name", "Team", "--type", "Work", "--id", "team", "--members", "bob");
});

after(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.stop();
});

/** A page signed in to the chat client through its form, as a person would, at `width` px. */
async function chatAs(user, width = 1280) {
  const context = await newContext(browser, server.origin, { viewport: { width, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  // Removing a member, handing the group over, quitting and dismissing ask first.
  page.on("dialog", (dialog) => void dialog.accept());
  await signInToChat(page, server, user, WAIT_MS);
  return page;
}

async function openConversation(page, name) {
  await page.getByRole("navigation", { name: "Conversations" }).getByRole("button", { name: new RegExp(`^${name}`) }).click();
  await page.getByRole("heading", { name, exact: true }).waitFor({ timeout: WAIT_MS });
}

/** Waits for a line of the open conversation's timeline. */
async function tip(page, text) {
  await page.locator(".messages .tip").filter({ hasText: text }).first().waitFor({ timeout: WAIT_MS });
}

async function openSettings(page) {
  await page.locator(".settings-toggle").click();
  const dialog = page.getByRole("dialog", { name: /^Settings of / });
  await dialog.getByRole("heading", { name: "Members", exact: false }).waitFor({ timeout: WAIT_MS });
  return dialog;
}

async function said(dialog, text) {
  await dialog.getByRole("status").filter({ hasText: text }).waitFor({ timeout: WAIT_MS });
}

test("the owner edits a Public group's profile, roles and mutes; the members see each change in the timeline", async () => {
  const alice = await chatAs("alice");
  const bob = await chatAs("bob");
  const carol = await chatAs("carol");
  await openConversation(alice, "Club");
  await openConversation(bob, "Club");
  await openConversation(carol, "Club");

  // A member of a Public group reads the profile but may not change it.
  const bobSettings = await openSettings(bob);
  assert.equal(await bobSettings.getByLabel("Name").getAttribute("readonly"), "");
  await bobSettings.getByText("Only the owner and admins may change this group's profile.").waitFor();
  assert.equal(await bobSettings.getByRole("button", { name: "Mute carol" }).count(), 0);
  assert.equal(await bobSettings.getByRole("button", { name: "Dismiss group" }).count(), 0);
  await bobSettings.getByRole("button", { name: "Close" }).click();

  const settings = await openSettings(alice);
  await settings.getByText("Public group club · 3 members · you are its owner").waitFor();
  // A group needs a name: an empty one is not sent.
  await settings.getByLabel("Name").fill("  ");
  await settings.getByRole("button", { name: "Save group profile" }).click();
  await said(settings, "A group needs a name.");
  await settings.getByLabel("Name").fill("Book Club");
  await settings.getByLabel("Notice").fill("We meet on Fridays");
  await settings.getByLabel("Introduction").fill("Books <b>and</b> tea");
  assert.equal(await settings.getByLabel("Who may join").inputValue(), "FreeAccess");
  await settings.getByLabel("Who may join").selectOption({ label: "An owner or admin approves each request" });
  await settings.getByRole("button", { name: "Save group profile" }).click();
  await said(settings, "Saved the group profile.");
  await settings.getByRole("heading", { name: "Settings of Book Club" }).waitFor({ timeout: WAIT_MS });

  await settings.getByRole("button", { name: "Make bob an admin" }).click();
  await said(settings, "bob is an admin now.");
  await settings.locator('li.member[data-user="bob"]').getByText("Admin").waitFor();

  await settings.getByLabel("Mute carol for").selectOption({ label: "10 minutes" });
  await settings.getByRole("button", { name: "Mute carol" }).click();
  await said(settings, "carol is muted for 10 minutes.");
  await settings.locator('li.member[data-user="carol"]').getByText(/muted until/).waitFor();

  // Carol, muted, cannot send, and is told why.
  await carol.getByRole("textbox", { name: "Message" }).fill("Can I speak?");
  await carol.getByRole("textbox", { name: "Message" }).press("Enter");
  await carol.locator(".send-status").filter({ hasText: /Not sent: .*\(10017\)/ }).waitFor({ timeout: WAIT_MS });

  await screenshot(alice, "group-settings-1280");
  await settings.getByRole("button", { name: "Unmute carol" }).click();
  await said(settings, "carol may speak again.");
  await settings.getByLabel("Mute everyone but the owner and admins").check();
  await said(settings, "Everyone but the owner and admins is muted.");
  await settings.getByLabel("Mute everyone but the owner and admins").uncheck();
  await said(settings, "Everyone may speak again.");
  await settings.getByRole("button", { name: "Close" }).click();

  // Every change is a line in everyone's timeline, in words, and its text is never markup.
  for (const page of [alice, bob, carol]) {
    await tip(
      page,
      "alice changed the group name to “Book Club”, changed the notice to “We meet on Fridays”, changed the introduction to “Books <b>and</b> tea”, set who may join to “An owner or admin approves each request”",
    );
    await tip(page, "alice made bob an admin");
    await tip(page, "alice muted carol for 10 minutes");
    await tip(page, "alice unmuted carol");
    await tip(page, "alice muted everyone but the owner and admins");
    await tip(page, "alice let everyone speak again");
    await page.getByRole("heading", { name: "Book Club", exact: true }).waitFor({ timeout: WAIT_MS });
    assert.equal(await page.locator(".messages b").count(), 0);
  }
  await screenshot(bob, "group-tips-1280");

  // Bob, an admin now, may change the profile, and mute carol but not alice.
  const asAdmin = await openSettings(bob);
  await asAdmin.getByText("you are its admin").waitFor();
  assert.equal(await asAdmin.getByLabel("Name").getAttribute("readonly"), null);
  await asAdmin.getByRole("button", { name: "Mute carol" }).waitFor();
  assert.equal(await asAdmin.getByRole("button", { name: "Mute alice" }).count(), 0);
  await asAdmin.getByRole("button", { name: "Close" }).click();
  for (const page of [alice, bob, carol]) assert.deepEqual(page.context().offsite(), []);
});

test("a join request is refused, then approved; a member is removed, the group handed over, quit and dismissed", async () => {
  const alice = await chatAs("alice");
  const bob = await chatAs("bob");
  const carol = await chatAs("carol");
  const dave = await chatAs("dave");
  await openConversation(alice, "Book Club");

  // Dave asks to join; the group needs approval.
  const ask = async (message) => {
    const details = dave.getByRole("navigation", { name: "Conversations" }).locator("summary", { hasText: "Join a group" });
    if (!(await dave.getByLabel("Group ID").isVisible())) await details.click();
    await dave.getByLabel("Group ID").fill("club");
    await dave.getByLabel("Message to the admins").fill(message);
    await dave.getByRole("button", { name: "Join", exact: true }).click();
    await dave.getByText("Asked to join Book Club; its owner or an admin will answer.").waitFor({ timeout: WAIT_MS });
  };
  await ask("Hello, I read a lot");
  await alice.getByText("dave asks to join Book Club; answer in its settings.").waitFor({ timeout: WAIT_MS });
  let settings = await openSettings(alice);
  await settings.getByRole("heading", { name: "Requests to join (1)" }).waitFor({ timeout: WAIT_MS });
  await settings.getByText("“Hello, I read a lot”").waitFor();
  await screenshot(alice, "group-settings-request-1280");
  await settings.getByRole("button", { name: "Refuse dave" }).click();
  await said(settings, "Refused dave's request.");
  await settings.getByText("No one is waiting to join.").waitFor({ timeout: WAIT_MS });
  await dave.getByText("alice refused your request to join Book Club.").waitFor({ timeout: WAIT_MS });

  await ask("Please, second try");
  await settings.getByRole("heading", { name: "Requests to join (1)" }).waitFor({ timeout: WAIT_MS });
  await settings.getByRole("button", { name: "Approve dave" }).click();
  await said(settings, "dave joined the group.");
  await settings.locator('li.member[data-user="dave"]').waitFor({ timeout: WAIT_MS });
  await openConversation(dave, "Book Club");
  await tip(alice, "alice added dave to the group");

  // Alice removes carol, who is told and loses the conversation.
  await openConversation(carol, "Book Club");
  await settings.getByRole("button", { name: "Remove carol" }).click();
  await said(settings, "Removed carol from the group.");
  assert.equal(await settings.locator('li.member[data-user="carol"]').count(), 0);
  await carol.getByText("alice removed you from Book Club.").waitFor({ timeout: WAIT_MS });
  await carol.getByText("Choose a conversation").waitFor({ timeout: WAIT_MS });
  await tip(dave, "alice removed carol from the group");

  // Alice hands the group to bob and is an ordinary member after.
  await settings.getByRole("button", { name: "Make bob the owner" }).click();
  await said(settings, "bob owns the group now.");
  await settings.getByText("you are a member").waitFor({ timeout: WAIT_MS });
  assert.equal(await settings.getByRole("button", { name: "Dismiss group" }).count(), 0);
  await tip(dave, "alice handed the group over to bob");

  await settings.getByRole("button", { name: "Quit group" }).click();
  await alice.getByText("You left Book Club.").waitFor({ timeout: WAIT_MS });
  assert.equal(await alice.getByRole("dialog").count(), 0);
  await tip(dave, "alice left the group");

  // Bob, the owner now, may not quit a Public group, only dismiss it.
  await openConversation(bob, "Book Club");
  settings = await openSettings(bob);
  await settings.getByText("As its owner you cannot quit").waitFor();
  await screenshot(bob, "group-settings-owner-1280");
  await settings.getByRole("button", { name: "Dismiss group" }).click();
  await bob.getByText("Dismissed Book Club.").waitFor({ timeout: WAIT_MS });
  await dave.getByText("Book Club was dismissed by bob.").waitFor({ timeout: WAIT_MS });
  for (const page of [alice, bob, carol, dave]) assert.deepEqual(page.context().offsite(), []);
});

test("at 360 px a Work group's member changes its notice; Work groups offer no admins and only the owner removes", async () => {
  const bob = await chatAs("bob", 360);
  const alice = await chatAs("alice");
  await bob.getByRole("navigation", { name: "Conversations" }).getByRole("button", { name: /^Team/ }).click();
  await bob.getByRole("heading", { name: "Team", exact: true }).waitFor({ timeout: WAIT_MS });
  const settings = await openSettings(bob);
  await settings.getByText("Work group team · 2 members · you are a member").waitFor();
  assert.equal(await settings.getByRole("button", { name: "Remove alice" }).count(), 0);
  await settings.getByLabel("Notice").fill("Stand-up at nine");
  await settings.getByRole("button", { name: "Save group profile" }).click();
  await said(settings, "Saved the group profile.");
  await screenshot(bob, "group-settings-profile-360");
  await bob.evaluate(() => document.querySelector("#group-settings").scrollTo(0, 0));
  assert.ok(
    await bob.evaluate(() => {
      const dialog = document.querySelector("#group-settings");
      return document.documentElement.scrollWidth <= window.innerWidth && dialog.scrollWidth <= dialog.clientWidth;
    }),
    "the settings fit 360 px without scrolling sideways",
  );
  await screenshot(bob, "group-settings-360");
  await settings.getByRole("button", { name: "Close" }).click();
  await tip(bob, "bob changed the notice to “Stand-up at nine”");
  await screenshot(bob, "group-tips-360");

  await openConversation(alice, "Team");
  const owner = await openSettings(alice);
  await owner.getByRole("button", { name: "Remove bob" }).waitFor();
  assert.equal(await owner.getByRole("button", { name: "Make bob an admin" }).count(), 0);
  await owner.getByText("If you quit, the longest-standing member becomes the owner.").waitFor();
  assert.deepEqual(bob.context().offsite(), []);
  assert.deepEqual(alice.context().offsite(), []);
});
