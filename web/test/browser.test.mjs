// End-to-end tests of the console and the chat client in headless Chromium against a real
// `tincan serve`: sign-in, turning Work-group receipts off and on, group receipts that follow
// scrolling and arrive live, C2C ticks, narrow screens, and that no request leaves the machine.
// Screenshots go to target/web-artifacts/.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser, newContext, screenshot, startServer } from "./harness.mjs";

const WAIT_MS = 10_000;

let server;
let browser;
const contexts = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await server.rest("im_open_login_svc", "multiaccount_import", { Accounts: ["alice", "bob", "carol"] });
  await server.cli("group", "create", "--as", "alice", "--name", "Team", "--type", "Work", "--id", "team", "--members", "bob,carol");
  // Earlier talk in the group, so that a new message can be out of view until one scrolls to it.
  for (let batch = 0; batch < 5; batch++) {
    await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        server.cli("send", "--as", "carol", "--to", "team", "--group", `Earlier note ${batch * 6 + index + 1}`),
      ),
    );
  }
});

after(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.stop();
});

async function context(options = {}) {
  const created = await newContext(browser, server.origin, options);
  contexts.push(created);
  return created;
}

/** Signs in to the chat client through its form, as a person would. */
async function chatAs(page, user) {
  await page.goto(`${server.origin}/chat`);
  await page.getByLabel("SDKAppID").fill(String(server.sdkappid));
  await page.getByLabel("User ID").fill(user);
  await page.getByLabel("UserSig").fill(await server.usersig(user));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText(`Signed in as ${user}`).waitFor({ timeout: WAIT_MS });
}

async function openConversation(page, name) {
  await page.getByRole("navigation", { name: "Conversations" }).getByRole("button", { name: new RegExp(`^${name}`) }).click();
  await page.getByRole("heading", { name, exact: true }).waitFor({ timeout: WAIT_MS });
}

async function send(page, text, { receipt }) {
  const box = page.getByRole("checkbox", { name: "Request read receipt" });
  if (receipt) await box.check();
  else await box.uncheck();
  await page.getByRole("textbox", { name: "Message" }).fill(text);
  await page.getByRole("textbox", { name: "Message" }).press("Enter");
}

let consolePage;

test("the console answers nothing before sign-in", async () => {
  const api = await fetch(`${server.origin}/console/api/rest/tincan/get_app`, {
    method: "POST",
    headers: { "X-Tincan-Console": "1" },
    body: "{}",
  });
  assert.equal(api.status, 401);
  const session = await fetch(`${server.origin}/console/api/session`);
  assert.equal(session.status, 401);
  const forged = await fetch(`${server.origin}/console/api/rest/tincan/get_app`, {
    method: "POST",
    headers: { "X-Tincan-Console": "1", Cookie: "tincan_console=0123456789abcdef" },
    body: "{}",
  });
  assert.equal(forged.status, 401);
  const page = await fetch(`${server.origin}/console`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'none'/);

  const browserContext = await context();
  consolePage = await browserContext.newPage();
  await consolePage.goto(`${server.origin}/console`);
  await consolePage.getByRole("heading", { name: "Sign in to the tincan console" }).waitFor();
  assert.equal(await consolePage.getByRole("navigation", { name: "Console pages" }).count(), 0);

  // A user's UserSig is not an administrator's.
  await consolePage.getByLabel("SDKAppID").fill(String(server.sdkappid));
  await consolePage.getByLabel("Administrator UserSig").fill(await server.usersig("alice"));
  await consolePage.getByRole("button", { name: "Sign in" }).click();
  await consolePage.getByText(/Sign-in refused: .*different identifier.*\(70013\)/).waitFor({ timeout: WAIT_MS });
  assert.equal(await consolePage.getByRole("navigation", { name: "Console pages" }).count(), 0);
  await screenshot(consolePage, "console-sign-in-refused");
});

test("the console signs in with the keyboard and turns receipts off for Work groups; a Work-group message then refuses need_read_receipt", async () => {
  const page = consolePage;
  await page.reload();
  await page.getByRole("heading", { name: "Sign in to the tincan console" }).waitFor();
  // The SDKAppID field has focus; the rest is typed and tabbed, and Enter signs in.
  await page.keyboard.type(String(server.sdkappid));
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "identifier");
  await page.keyboard.press("Tab");
  await page.keyboard.type(await server.usersig("administrator"));
  await page.keyboard.press("Enter");
  await page.getByRole("navigation", { name: "Console pages" }).waitFor({ timeout: WAIT_MS });
  await page.getByRole("cell", { name: String(server.sdkappid) }).waitFor({ timeout: WAIT_MS });
  await screenshot(page, "console-apps");

  await page.getByRole("link", { name: "Feature configuration" }).click();
  const work = page.getByRole("checkbox", { name: /^Work/ });
  await work.waitFor({ timeout: WAIT_MS });
  assert.equal(await work.isChecked(), true);
  assert.equal(await page.getByRole("checkbox", { name: /AVChatRoom/ }).isDisabled(), true);
  await work.uncheck();
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText(/applies at once.*no restart/).waitFor({ timeout: WAIT_MS });
  await screenshot(page, "console-features-work-off");
  const app = (await server.rest("tincan", "get_app")).App;
  assert.deepEqual(app.receipt_group_types.includes("Work"), false);

  const chat = await (await context()).newPage();
  await chatAs(chat, "alice");
  await openConversation(chat, "Team");
  await send(chat, "Can everyone confirm?", { receipt: true });
  await chat.getByText(/Not sent: Read receipts are turned off for Work groups.*65002/).waitFor({ timeout: WAIT_MS });
  await screenshot(chat, "chat-work-receipt-refused");

  // Turned back on, the same message goes out at once, without a restart.
  await work.check();
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText(/on for Work.*applies at once/).waitFor({ timeout: WAIT_MS });
  await chat.getByRole("button", { name: "Send" }).click();
  await chat.getByText("Sent with a read receipt request.").waitFor({ timeout: WAIT_MS });
  await chat.getByRole("button", { name: "Read by 0 of 2" }).waitFor({ timeout: WAIT_MS });
  await chat.context().close();
});

test("a group receipt is sent when the reader scrolls to the message, and the sender sees it live", async () => {
  const alice = await (await context({ label: "alice" })).newPage();
  const bob = await (await context({ label: "bob" })).newPage();
  await chatAs(alice, "alice");
  await chatAs(bob, "bob");
  await openConversation(alice, "Team");
  await openConversation(bob, "Team");
  // A mark that a reload would wipe.
  await alice.evaluate(() => {
    window.notReloaded = true;
  });

  // Bob reads back through the earlier talk, away from the end of the conversation.
  await bob.locator(".scroller").evaluate((element) => {
    element.scrollTop = 0;
  });

  await send(alice, "Release at 5?", { receipt: true });
  const aliceReceipt = alice.locator(".msg.mine", { hasText: "Release at 5?" }).getByRole("button", { name: /Read by/ });
  await aliceReceipt.waitFor({ timeout: WAIT_MS });
  assert.equal(await aliceReceipt.textContent(), "Read by 0 of 2");

  // The message reaches Bob but stays out of view: no receipt yet.
  const jump = bob.getByRole("button", { name: "New messages ↓" });
  await jump.waitFor({ timeout: WAIT_MS });
  const bobMessage = bob.locator(".msg", { hasText: "Release at 5?" });
  await bobMessage.waitFor({ state: "attached", timeout: WAIT_MS });
  assert.equal(await bobMessage.isVisible(), true);
  assert.equal(await bobMessage.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const view = element.closest(".scroller").getBoundingClientRect();
    return box.top < view.bottom && box.bottom > view.top;
  }), false);
  await alice.waitForTimeout(800);
  assert.equal(await aliceReceipt.textContent(), "Read by 0 of 2");
  await screenshot(bob, "chat-bob-scrolled-up");

  // Bob scrolls down to it.
  await jump.click();
  const readByOne = alice.locator(".msg.mine", { hasText: "Release at 5?" }).getByRole("button", { name: "Read by 1 of 2" });
  await readByOne.waitFor({ timeout: WAIT_MS });
  await screenshot(bob, "chat-bob-read");

  await readByOne.click();
  const dialog = alice.getByRole("dialog", { name: "Read receipts" });
  await dialog.waitFor({ timeout: WAIT_MS });
  await dialog.getByText("“Release at 5?”").waitFor();
  const readList = dialog.getByRole("list", { name: "Read by" });
  const unreadList = dialog.getByRole("list", { name: "Not read by" });
  await readList.getByText("bob", { exact: true }).waitFor({ timeout: WAIT_MS });
  await unreadList.getByText("carol", { exact: true }).waitFor({ timeout: WAIT_MS });
  assert.equal(await dialog.getByRole("heading", { name: "Read (1)" }).count(), 1);
  assert.equal(await dialog.getByRole("heading", { name: "Not read yet (1)" }).count(), 1);
  await screenshot(alice, "chat-alice-read-by-1");
  await alice.keyboard.press("Escape");
  assert.equal(await alice.evaluate(() => window.notReloaded), true);

  for (const page of [alice, bob]) assert.deepEqual(page.context().offsite(), []);
  await alice.context().close();
  await bob.context().close();
});

test("C2C messages show one tick when sent and two once read, with unread badges on the way", async () => {
  const alice = await (await context()).newPage();
  const bob = await (await context()).newPage();
  await chatAs(alice, "alice");
  await chatAs(bob, "bob");

  await alice.getByLabel("Chat with a user").fill("bob");
  await alice.getByRole("button", { name: "Open", exact: true }).click();
  await alice.getByRole("heading", { name: "bob", exact: true }).waitFor({ timeout: WAIT_MS });
  await send(alice, "Lunch at noon?", { receipt: true });
  const ticks = alice.locator(".msg.mine", { hasText: "Lunch at noon?" }).locator(".ticks");
  await ticks.waitFor({ timeout: WAIT_MS });
  assert.equal(await ticks.getAttribute("title"), "Sent");
  assert.equal(await ticks.locator('[aria-hidden="true"]').textContent(), "✓");

  // Bob sees the conversation with an unread badge, opens it, and reads.
  const badge = bob.getByRole("navigation", { name: "Conversations" }).getByText("1", { exact: true });
  await badge.waitFor({ timeout: WAIT_MS });
  await screenshot(bob, "chat-bob-unread-badge");
  await openConversation(bob, "alice");
  await alice.locator(".msg.mine", { hasText: "Lunch at noon?" }).locator(".ticks.read").waitFor({ timeout: WAIT_MS });
  assert.equal(await ticks.getAttribute("title"), "Read");
  assert.equal(await ticks.locator('[aria-hidden="true"]').textContent(), "✓✓");
  await bob.getByRole("navigation", { name: "Conversations" }).locator(".badge").waitFor({ state: "detached", timeout: WAIT_MS });
  await screenshot(alice, "chat-alice-c2c-read");
  for (const page of [alice, bob]) assert.deepEqual(page.context().offsite(), []);
  await alice.context().close();
  await bob.context().close();
});

test("both pages are readable at 360 px wide", async () => {
  const narrow = { viewport: { width: 360, height: 740 } };
  const chat = await (await context(narrow)).newPage();
  await chatAs(chat, "carol");
  await screenshot(chat, "chat-360-list");
  await openConversation(chat, "Team");
  await screenshot(chat, "chat-360-conversation");
  assert.ok(await chat.evaluate(() => document.documentElement.scrollWidth <= 360), "the chat scrolls sideways at 360 px");
  await chat.getByRole("button", { name: "Back to conversations" }).click();
  await chat.getByRole("navigation", { name: "Conversations" }).waitFor();

  const console = await (await context(narrow)).newPage();
  await console.goto(`${server.origin}/console`);
  await console.getByLabel("SDKAppID").fill(String(server.sdkappid));
  await console.getByLabel("Administrator UserSig").fill(await server.usersig("administrator"));
  await console.getByRole("button", { name: "Sign in" }).click();
  await console.getByRole("link", { name: "Feature configuration" }).click();
  await console.getByRole("checkbox", { name: /^Work/ }).waitFor({ timeout: WAIT_MS });
  await screenshot(console, "console-360-features");
  assert.ok(await console.evaluate(() => document.documentElement.scrollWidth <= 360), "the console scrolls sideways at 360 px");
  for (const page of [chat, console]) assert.deepEqual(page.context().offsite(), []);
});
