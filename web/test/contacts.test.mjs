// End-to-end tests of the chat client's contacts page in headless Chromium against a real
// `tincan serve`: a friend request with a greeting, accepted by the other user live; one refused;
// remarks; a chat opened from a friend; deleting a friend; the blocklist; bad input answered with
// TIM's codes; the page at 1280 and 360 px. Screenshots go to target/web-artifacts/.

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
  await server.rest("profile", "portrait_set", { From_Account: "bob", ProfileItem: [{ Tag: "Tag_Profile_IM_Nick", Value: "Bob B." }] });
});

after(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.stop();
});

async function chatAs(user, width = 1280) {
  const context = await newContext(browser, server.origin, { viewport: { width, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on("dialog", (dialog) => void dialog.accept());
  await signInToChat(page, server, user, WAIT_MS);
  return page;
}

async function showContacts(page) {
  await page.getByRole("navigation", { name: "Pages" }).getByRole("button", { name: /^Contacts/ }).click();
  const contacts = page.getByRole("main", { name: "Contacts" });
  await contacts.waitFor({ timeout: WAIT_MS });
  return contacts;
}

async function said(contacts, text) {
  await contacts.getByRole("status").filter({ hasText: text }).waitFor({ timeout: WAIT_MS });
}

function list(contacts, name) {
  return contacts.getByRole("list", { name, exact: true });
}

test("a friend request with a greeting is accepted live; another is refused; remarks, a chat from a friend, deleting", async () => {
  const alice = await chatAs("alice");
  const bob = await chatAs("bob", 360);
  const carol = await chatAs("carol");
  const contacts = await showContacts(alice);
  await list(contacts, "Friends").getByText("No friends yet.").waitFor();

  // Bad input: oneself, and a user with no account (the server's code).
  await contacts.getByLabel("User ID").fill("alice");
  await contacts.getByRole("button", { name: "Add friend" }).click();
  await said(contacts, "That is you; add someone else.");
  await contacts.getByLabel("User ID").fill("nobody");
  await contacts.getByRole("button", { name: "Add friend" }).click();
  await said(contacts, /^nobody was not added: .*\(\d+\)$/);

  await contacts.getByLabel("User ID").fill("bob");
  await contacts.getByLabel("Greeting").fill("Hi Bob, it's <i>Alice</i>");
  await contacts.getByLabel("Remark").fill("Bobby");
  await contacts.getByRole("button", { name: "Add friend" }).click();
  await said(contacts, "Request sent; bob becomes your friend on accepting it.");
  await list(contacts, "Requests sent").getByText("Bob B. (bob)").waitFor({ timeout: WAIT_MS });
  await list(contacts, "Requests sent").getByText("“Hi Bob, it's <i>Alice</i>”", { exact: false }).waitFor();

  // Bob sees a new request counted on Contacts, live, before opening the page.
  await bob.getByRole("button", { name: /^Contacts ?, 1 new friend request$/ }).waitFor({ timeout: WAIT_MS });
  const bobContacts = await showContacts(bob);
  await list(bobContacts, "Requests received").locator('li[data-user="alice"]').waitFor({ timeout: WAIT_MS });
  await bobContacts.getByText("“Hi Bob, it's <i>Alice</i>”", { exact: false }).waitFor();
  assert.equal(await bob.locator(".contacts i").count(), 0, "the greeting is text, never markup");
  await bob.getByRole("button", { name: "Contacts", exact: true }).waitFor({ timeout: WAIT_MS });
  assert.ok(await bob.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), "the contacts page fits 360 px");
  await screenshot(bob, "contacts-request-360");
  await bobContacts.getByRole("button", { name: "Accept alice's request" }).click();
  await said(bobContacts, "alice is your friend now.");
  await list(bobContacts, "Friends").locator('li[data-user="alice"]').waitFor({ timeout: WAIT_MS });

  // Alice's lists follow: bob is a friend, under her remark, and nothing waits.
  await list(contacts, "Friends").getByText("Bobby").waitFor({ timeout: WAIT_MS });
  await list(contacts, "Friends").getByText("Bob B. · bob").waitFor();
  await list(contacts, "Requests sent").getByText("None waiting for an answer.").waitFor({ timeout: WAIT_MS });

  // A request carol refuses.
  await contacts.getByLabel("User ID").fill("carol");
  await contacts.getByLabel("Greeting").fill("Hello Carol");
  await contacts.getByRole("button", { name: "Add friend" }).click();
  await said(contacts, "Request sent; carol becomes your friend on accepting it.");
  const carolContacts = await showContacts(carol);
  await carolContacts.getByRole("button", { name: "Refuse alice's request" }).click();
  await said(carolContacts, "Refused alice's request.");
  await list(carolContacts, "Requests received").getByText("None waiting.").waitFor({ timeout: WAIT_MS });
  await list(contacts, "Requests sent").getByText("None waiting for an answer.").waitFor({ timeout: WAIT_MS });
  await list(carolContacts, "Friends").getByText("No friends yet.").waitFor();

  // A new remark.
  await contacts.getByRole("button", { name: "Edit the remark for bob" }).click();
  await contacts.getByRole("textbox", { name: "Remark for bob" }).fill("Robert");
  await contacts.getByRole("textbox", { name: "Remark for bob" }).press("Enter");
  await said(contacts, "bob is “Robert” to you now.");
  await list(contacts, "Friends").getByText("Robert").waitFor({ timeout: WAIT_MS });
  await screenshot(alice, "contacts-1280");

  // A chat opened from the friend.
  await contacts.getByRole("button", { name: "Message Robert" }).click();
  await alice.getByRole("heading", { name: /^(bob|Bob B\.)$/ }).waitFor({ timeout: WAIT_MS });
  await alice.getByRole("textbox", { name: "Message" }).fill("Hello from Contacts");
  await alice.getByRole("textbox", { name: "Message" }).press("Enter");
  await alice.getByText("Sent.", { exact: true }).waitFor({ timeout: WAIT_MS });
  await bob.getByRole("navigation", { name: "Pages" }).getByRole("button", { name: "Chats" }).click();
  await bob.getByRole("navigation", { name: "Conversations" }).getByText("alice: Hello from Contacts").waitFor({ timeout: WAIT_MS });

  // Deleting the friend ends it on both sides.
  await showContacts(alice);
  await contacts.getByRole("button", { name: "Delete bob from your friends" }).click();
  await said(contacts, "bob is no longer your friend.");
  await list(contacts, "Friends").getByText("No friends yet.").waitFor({ timeout: WAIT_MS });
  await showContacts(bob);
  await list(bobContacts, "Friends").getByText("No friends yet.").waitFor({ timeout: WAIT_MS });
  for (const page of [alice, bob, carol]) assert.deepEqual(page.context().offsite(), []);
});

test("the blocklist: a user blocked and unblocked, a blocked user's request refused with TIM's code", async () => {
  const alice = await chatAs("alice");
  const dave = await chatAs("dave");
  const contacts = await showContacts(alice);
  await list(contacts, "Blocked users").getByText("Nobody is blocked.").waitFor({ timeout: WAIT_MS });
  await contacts.getByLabel("Block a user").fill("dave");
  await contacts.getByRole("button", { name: "Block", exact: true }).click();
  await said(contacts, "Blocked dave.");
  await list(contacts, "Blocked users").locator('li[data-user="dave"]').waitFor({ timeout: WAIT_MS });

  // Dave, blocked, cannot ask alice to be friends.
  const daveContacts = await showContacts(dave);
  await daveContacts.getByLabel("User ID").fill("alice");
  await daveContacts.getByRole("button", { name: "Add friend" }).click();
  await said(daveContacts, /^alice was not added: .*\(30525\)$/);
  // Nor may alice ask dave while she blocks him.
  await contacts.getByLabel("User ID").fill("dave");
  await contacts.getByRole("button", { name: "Add friend" }).click();
  await said(contacts, /^dave was not added: .*\(30515\)$/);
  await screenshot(alice, "contacts-blocklist-1280");

  await contacts.getByRole("button", { name: "Unblock dave" }).click();
  await said(contacts, "Unblocked dave.");
  await list(contacts, "Blocked users").getByText("Nobody is blocked.").waitFor({ timeout: WAIT_MS });
  await daveContacts.getByRole("button", { name: "Add friend" }).click();
  await said(daveContacts, "Request sent; alice becomes your friend on accepting it.");
  await list(contacts, "Requests received").locator('li[data-user="dave"]').waitFor({ timeout: WAIT_MS });
  assert.deepEqual(alice.context().offsite(), []);
  assert.deepEqual(dave.context().offsite(), []);
});
