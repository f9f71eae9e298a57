// End-to-end tests of the home page, the console and the chat client in headless Chromium against
// a real `tincan serve`: sign-in, turning Work-group receipts off and on, group receipts that
// follow scrolling and arrive live, C2C marks (sent, seen, read) and the reader's "receipt sent",
// groups made and joined from the chat client, webhooks set in the console and received, narrow
// screens, and that no request leaves the machine.
// Screenshots go to target/web-artifacts/.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser, newContext, screenshot, signInToChat, startReceiver, startServer } from "./harness.mjs";

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
  await signInToChat(page, server, user, WAIT_MS);
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

test("the home page at / links to the chat client, the console, the API documents, health and metrics", async () => {
  for (const width of [1280, 360]) {
    const page = await (await context({ viewport: { width, height: 800 } })).newPage();
    const answer = await page.goto(`${server.origin}/`);
    assert.equal(answer.status(), 200);
    await page.getByRole("heading", { name: "tincan", level: 1, exact: true }).waitFor();
    await page.getByRole("status").getByText("The server is up and storing what it is sent.").waitFor({ timeout: WAIT_MS });
    assert.equal(await page.locator("#ws-url").textContent(), `${server.origin.replace("http://", "ws://")}/ws`);
    const links = [
      ["Chat client", "/chat", "<title>tincan chat</title>"],
      ["Console", "/console", "<title>tincan console</title>"],
      ["the protocol", "/docs/protocol.md", "# The tincan client protocol"],
      ["the REST API and webhooks", "/docs/rest-api.md", "TIM"],
      ["the model, the rules, the errors", "/docs/receipts.md", "receipt"],
      ["every code", "/docs/error-codes.md", "6017"],
      ["/healthz", "/healthz", "ok"],
      ["/metrics", "/metrics", "tincan_"],
    ];
    for (const [name, href, content] of links) {
      const link = page.getByRole("link", { name, exact: true });
      assert.equal(await link.getAttribute("href"), href, name);
      const target = await fetch(new URL(href, server.origin));
      assert.equal(target.status, 200, href);
      assert.ok((await target.text()).includes(content), `${href} holds ${content}`);
    }
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `the home page scrolls sideways at ${width} px`);
    await screenshot(page, `home-${width}`);
    if (width === 360) {
      await page.getByRole("link", { name: "Chat client", exact: true }).click();
      await page.getByRole("heading", { name: "Sign in to tincan chat" }).waitFor({ timeout: WAIT_MS });
    }
    assert.deepEqual(page.context().offsite(), []);
  }
  const missing = await fetch(`${server.origin}/nowhere`);
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /listed at \//);
});

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
  await chat.getByText("Sent with a read receipt request.", { exact: true }).waitFor({ timeout: WAIT_MS });
  await chat.getByRole("button", { name: "Read by 0 of 2 recipients" }).waitFor({ timeout: WAIT_MS });

  // The largest group allowed receipts and the coalescing window are set the same way, and
  // apply at once too: with at most 2 members, the 3-member group's message is refused.
  const membersMax = page.getByRole("spinbutton", { name: /Largest group allowed receipts/ });
  await membersMax.fill("2");
  await page.getByRole("spinbutton", { name: /Receipt coalescing window/ }).fill("40");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText(/Saved at .*applies at once/).waitFor({ timeout: WAIT_MS });
  let settings = (await server.rest("tincan", "get_app")).App;
  assert.equal(settings.receipt_group_members_max, 2);
  assert.equal(settings.receipt_coalesce_window_ms, 40);
  await send(chat, "Too many of us now?", { receipt: true });
  await chat.getByText(/Not sent: .*65003/).waitFor({ timeout: WAIT_MS });
  await membersMax.fill("100000");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText(/Saved at .*applies at once/).waitFor({ timeout: WAIT_MS });
  settings = (await server.rest("tincan", "get_app")).App;
  assert.equal(settings.receipt_group_members_max, 100000);
  await screenshot(page, "console-features-limits");
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
  assert.equal(await aliceReceipt.textContent(), "Read by 0 of 2 recipients");
  // The header counts alice among the members; the receipt count leaves her out, and both say so.
  await alice.getByText("Work group · 3 members, you included").waitFor({ timeout: WAIT_MS });
  assert.match(await aliceReceipt.getAttribute("title"), /of the 2 members who received this message.*You, the sender, are not counted/);
  await alice.getByText("What the receipt marks mean").click();
  await alice.getByRole("term").filter({ hasText: "Read by N of M recipients" }).waitFor();
  assert.match(
    await alice.getByRole("definition").filter({ hasText: "less you, the sender" }).textContent(),
    /M counts the members who received it/,
  );
  await screenshot(alice, "chat-group-legend");
  await alice.getByText("What the receipt marks mean").click();

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
  assert.equal(await aliceReceipt.textContent(), "Read by 0 of 2 recipients");
  assert.equal(await bobMessage.locator(".receipt").textContent(), "Asks for a read receipt");
  await screenshot(bob, "chat-bob-scrolled-up");

  // Bob scrolls down to it; his client sends the receipt and says so under the message.
  await jump.click();
  const readByOne = alice.locator(".msg.mine", { hasText: "Release at 5?" }).getByRole("button", { name: "Read by 1 of 2 recipients" });
  await readByOne.waitFor({ timeout: WAIT_MS });
  await bobMessage.getByText("Read receipt sent").waitFor({ timeout: WAIT_MS });
  await screenshot(bob, "chat-bob-read");

  await readByOne.click();
  const dialog = alice.getByRole("dialog", { name: "Read receipts" });
  await dialog.waitFor({ timeout: WAIT_MS });
  await dialog.getByText("“Release at 5?”").waitFor();
  const readList = dialog.getByRole("list", { name: "Read by" });
  const unreadList = dialog.getByRole("list", { name: "Not read by" });
  await readList.getByText("bob", { exact: true }).waitFor({ timeout: WAIT_MS });
  await unreadList.getByText("carol", { exact: true }).waitFor({ timeout: WAIT_MS });
  await dialog.getByText("Of the 2 members who received it; you, the sender, are not counted.").waitFor();
  assert.equal(await dialog.getByRole("heading", { name: "Read (1)" }).count(), 1);
  assert.equal(await dialog.getByRole("heading", { name: "Not read yet (1)" }).count(), 1);
  await screenshot(alice, "chat-alice-read-by-1");
  await alice.keyboard.press("Escape");
  assert.equal(await alice.evaluate(() => window.notReloaded), true);

  for (const page of [alice, bob]) assert.deepEqual(page.context().offsite(), []);
  await alice.context().close();
  await bob.context().close();
});

test("in a larger group the read and unread lists page with Show more", async () => {
  const members = Array.from({ length: 25 }, (_, index) => `m${String(index + 1).padStart(2, "0")}`);
  await server.rest("im_open_login_svc", "multiaccount_import", { Accounts: members });
  await server.cli("group", "create", "--as", "alice", "--name", "Crowd", "--type", "Public", "--id", "crowd", "--members", members.join(","));
  const alice = await (await context()).newPage();
  await chatAs(alice, "alice");
  await openConversation(alice, "Crowd");
  await send(alice, "Everyone read this?", { receipt: true });
  const receipt = alice.locator(".msg.mine", { hasText: "Everyone read this?" }).getByRole("button", { name: /Read by/ });
  await receipt.waitFor({ timeout: WAIT_MS });
  const newest = await server.rest("group_open_http_svc", "group_msg_get_simple", { GroupId: "crowd", ReqMsgNumber: 1 });
  const seq = newest.RspMsgList[0].MsgSeq;
  for (const reader of members.slice(0, 3)) {
    await server.rest("group_open_http_svc", "group_msg_receipt", { GroupId: "crowd", From_Account: reader, MsgSeqList: [{ MsgSeq: seq }] });
  }
  const readByThree = alice.locator(".msg.mine", { hasText: "Everyone read this?" }).getByRole("button", { name: "Read by 3 of 25 recipients" });
  await readByThree.waitFor({ timeout: WAIT_MS });
  await readByThree.click();
  const dialog = alice.getByRole("dialog", { name: "Read receipts" });
  await dialog.waitFor({ timeout: WAIT_MS });
  const readList = dialog.getByRole("list", { name: "Read by", exact: true });
  const unreadList = dialog.getByRole("list", { name: "Not read by" });
  await dialog.getByRole("heading", { name: "Not read yet (22)" }).waitFor({ timeout: WAIT_MS });
  await unreadList.getByRole("listitem").nth(19).waitFor({ timeout: WAIT_MS });
  assert.equal(await unreadList.getByRole("listitem").count(), 20, "the first page holds 20");
  const more = dialog.locator("section").filter({ has: alice.getByRole("list", { name: "Not read by" }) }).getByRole("button", { name: "Show more" });
  await more.click();
  await unreadList.getByRole("listitem").nth(21).waitFor({ timeout: WAIT_MS });
  const unread = await unreadList.getByRole("listitem").allTextContents();
  assert.equal(unread.length, 22);
  assert.equal(new Set(unread).size, 22, "no member twice across the pages");
  assert.deepEqual((await readList.getByRole("listitem").allTextContents()).map((text) => text.trim()).sort(), members.slice(0, 3));
  assert.equal(await more.isHidden(), true, "no more after the last page");
  await screenshot(alice, "chat-read-lists-paged");
  await alice.keyboard.press("Escape");
  await alice.context().close();
});

test("C2C messages say Sent, then Read once a receipt comes, or Seen when none was asked for; the reader sees the receipt go", async () => {
  const alice = await (await context()).newPage();
  const bob = await (await context()).newPage();
  await chatAs(alice, "alice");
  await chatAs(bob, "bob");

  await alice.getByLabel("Chat with a user").fill("bob");
  await alice.getByRole("button", { name: "Open", exact: true }).click();
  await alice.getByRole("heading", { name: "bob", exact: true }).waitFor({ timeout: WAIT_MS });
  await send(alice, "Lunch at noon?", { receipt: true });
  await alice.getByText("Sent with a read receipt request.", { exact: true }).waitFor({ timeout: WAIT_MS });
  await send(alice, "See you there", { receipt: false });
  await alice.getByText("Sent.", { exact: true }).waitFor({ timeout: WAIT_MS });
  const asked = alice.locator(".msg.mine", { hasText: "Lunch at noon?" }).locator(".ticks");
  const plain = alice.locator(".msg.mine", { hasText: "See you there" }).locator(".ticks");
  for (const ticks of [asked, plain]) {
    await ticks.waitFor({ timeout: WAIT_MS });
    assert.equal(await ticks.locator('[aria-hidden="true"]').textContent(), "✓");
  }
  assert.equal(await asked.locator(".label").textContent(), "Sent, receipt requested");
  assert.equal(await plain.locator(".label").textContent(), "Sent");
  assert.match(await asked.getAttribute("title"), /^Sent with a read receipt request\. bob has not read it yet\.$/);
  assert.match(await plain.getAttribute("title"), /^Sent\. bob has not opened the conversation since\.$/);
  await screenshot(alice, "chat-alice-c2c-sent");

  // Bob sees the conversation with an unread badge, opens it, and reads.
  const withAlice = bob.getByRole("navigation", { name: "Conversations" }).getByRole("button", { name: /^alice/ });
  await withAlice.locator(".badge").getByText("2", { exact: true }).waitFor({ timeout: WAIT_MS });
  await screenshot(bob, "chat-bob-unread-badge");
  await openConversation(bob, "alice");
  // The message that asked is Read; the one that did not is Seen: two ticks each, told apart in words.
  await asked.and(alice.locator(".read")).waitFor({ timeout: WAIT_MS });
  assert.equal(await asked.locator(".label").textContent(), "Read");
  assert.equal(await asked.locator('[aria-hidden="true"]').textContent(), "✓✓");
  assert.match(await asked.getAttribute("title"), /^Read: bob sent the read receipt this message asked for\.$/);
  await plain.and(alice.locator(".seen")).waitFor({ timeout: WAIT_MS });
  assert.equal(await plain.locator(".label").textContent(), "Seen");
  assert.equal(await plain.locator('[aria-hidden="true"]').textContent(), "✓✓");
  assert.match(await plain.getAttribute("title"), /^Seen: bob opened the conversation after it arrived\. It did not ask for a read receipt\.$/);
  // The marks differ in more than colour: their words, and their weight.
  const weights = await Promise.all([asked, plain].map((ticks) => ticks.evaluate((element) => getComputedStyle(element).fontWeight)));
  assert.notEqual(weights[0], weights[1]);

  // Bob's side: the message that asked says that his client sent the receipt; the other says nothing.
  const bobAsked = bob.locator(".msg", { hasText: "Lunch at noon?" });
  await bobAsked.getByText("Read receipt sent").waitFor({ timeout: WAIT_MS });
  assert.match(await bobAsked.locator(".asked").getAttribute("title"), /Your client told alice you read this message/);
  assert.equal(await bob.locator(".msg", { hasText: "See you there" }).locator(".receipt").count(), 0);
  await withAlice.locator(".badge").waitFor({ state: "detached", timeout: WAIT_MS });
  await screenshot(bob, "chat-bob-receipt-sent");

  // The legend says what each mark means.
  await alice.getByText("What the receipt marks mean").click();
  for (const term of ["✓ Sent", "✓✓ Seen", "✓✓ Read"]) await alice.getByRole("term").filter({ hasText: term }).waitFor();
  assert.match(await alice.getByRole("definition").filter({ hasText: "needs no receipt request" }).textContent(), /bob opened the conversation/);
  await screenshot(alice, "chat-alice-c2c-read");
  for (const page of [alice, bob]) assert.deepEqual(page.context().offsite(), []);
  await alice.context().close();
  await bob.context().close();
});

test("the chat client creates a group and invites people, and says who could not be added", async () => {
  for (const width of [1280, 360]) {
    const name = `Lunch ${width}`;
    const alice = await (await context({ viewport: { width, height: 800 } })).newPage();
    await chatAs(alice, "alice");
    await alice.getByText("New group", { exact: true }).click();
    const form = alice.getByRole("form", { name: "New group" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Type").selectOption({ label: "Public" });
    await form.getByLabel("Members, separated by commas").fill("bob");
    await screenshot(alice, `chat-${width}-new-group`);
    await form.getByRole("button", { name: "Create group" }).click();
    await alice.getByRole("heading", { name, exact: true }).waitFor({ timeout: WAIT_MS });
    await alice.getByText("Public group · 2 members, you included").waitFor({ timeout: WAIT_MS });

    await alice.getByRole("button", { name: "Invite", exact: true }).click();
    const panel = alice.getByRole("form", { name: "Invite people" });
    assert.equal(await alice.evaluate(() => document.activeElement?.id), "invite-users");
    await panel.getByLabel("User IDs to invite, separated by commas").fill("carol, bob, nobody42");
    await panel.getByRole("button", { name: "Invite", exact: true }).click();
    await panel
      .getByRole("status")
      .getByText(/^Added: carol\. Already members: bob\. Not added, no such account: nobody42\. An account exists once it is imported/)
      .waitFor({ timeout: WAIT_MS });
    await alice.getByText("Public group · 3 members, you included").waitFor({ timeout: WAIT_MS });
    // The list shows the group's last event as it is, without the system's sender name.
    // (At 360 px the list is hidden while a conversation is open, hence a CSS locator.)
    const preview = alice.locator(".conv", { hasText: name }).locator(".conv-preview");
    await preview.getByText("alice added carol to the group", { exact: true }).waitFor({ state: "attached", timeout: WAIT_MS });
    assert.ok(await alice.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `the chat scrolls sideways at ${width} px`);
    await screenshot(alice, `chat-${width}-invited`);

    // Nobody who exists: the whole invitation is refused, and the reason given.
    await panel.getByLabel("User IDs to invite, separated by commas").fill("nobody43");
    await panel.getByRole("button", { name: "Invite", exact: true }).click();
    await panel.getByRole("status").getByText(/^Nobody was added: .*nobody43.*An account exists once/).waitFor({ timeout: WAIT_MS });
    assert.deepEqual(alice.context().offsite(), []);
    await alice.context().close();
  }
  // The invited see the group without a reload.
  const carol = await (await context()).newPage();
  await chatAs(carol, "carol");
  await openConversation(carol, "Lunch 1280");
  await carol.getByText("Public group · 3 members, you included").waitFor({ timeout: WAIT_MS });
  await carol.context().close();
});

test("Webhooks: the console sets the callback URL and commands; a C2C message and a group receipt from the chat client reach the receiver", async () => {
  const receiver = await startReceiver("/im-callback");
  try {
    const page = await (await context()).newPage();
    await consoleAs(page);
    await page.getByRole("link", { name: "Feature configuration" }).click();
    const webhooks = page.getByRole("group", { name: "Webhooks" });
    const url = webhooks.getByRole("textbox", { name: "Callback URL" });
    await url.waitFor({ timeout: WAIT_MS });
    assert.equal(await url.inputValue(), "");
    const command = (name) => webhooks.getByRole("checkbox", { name, exact: true });
    const names = [
      "C2C.CallbackBeforeSendMsg",
      "C2C.CallbackAfterSendMsg",
      "C2C.CallbackAfterMsgReport",
      "Group.CallbackBeforeSendMsg",
      "Group.CallbackAfterSendMsg",
      "Group.CallbackAfterReadReceipt",
    ];
    // Every command the server makes is offered, each once.
    const offered = await webhooks.getByRole("checkbox").evaluateAll((boxes) => boxes.map((box) => box.value));
    assert.equal(offered.length, 33);
    assert.equal(new Set(offered).size, offered.length);
    for (const name of ["C2C.CallbackAfterMsgReadReceipt", "Group.CallbackBeforeCreateGroup", "Sns.CallbackPrevFriendAdd", "Sns.CallbackBlackListDelete", "Follow.CallbackAfterFollowAdd"]) {
      assert.ok(offered.includes(name), name);
    }
    for (const name of offered) {
      assert.equal(await command(name).isChecked(), false, name);
      // Each names its command and is described by when it is called.
      const description = await command(name).evaluate((box) =>
        box.getAttribute("aria-describedby").split(" ").map((id) => document.getElementById(id).textContent).join(" "),
      );
      assert.match(description, /^(Before|After) /, name);
    }

    await url.fill(receiver.url);
    await command("C2C.CallbackAfterSendMsg").check();
    // The other one by keyboard: Tab reaches it and Space ticks it.
    await command("Group.CallbackAfterSendMsg").focus();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.value), "Group.CallbackAfterReadReceipt");
    await page.keyboard.press("Space");
    assert.equal(await command("Group.CallbackAfterReadReceipt").isChecked(), true);
    await page.getByRole("button", { name: "Save" }).click();
    await page
      .getByText(/webhooks post C2C\.CallbackAfterSendMsg, Group\.CallbackAfterReadReceipt to http:\/\/127\.0\.0\.1:\d+\/im-callback\. The change applies at once/)
      .waitFor({ timeout: WAIT_MS });
    await webhooks.scrollIntoViewIfNeeded();
    await screenshot(page, "console-features-webhooks-saved");
    let app = (await server.rest("tincan", "get_app")).App;
    assert.equal(app.callback_url, receiver.url);
    assert.deepEqual(app.callback_commands, ["C2C.CallbackAfterSendMsg", "Group.CallbackAfterReadReceipt"]);

    // The chat client: alice writes to bob, and asks the team for a receipt, which bob sends by reading.
    const alice = await (await context({ label: "alice" })).newPage();
    const bob = await (await context({ label: "bob" })).newPage();
    await chatAs(alice, "alice");
    await chatAs(bob, "bob");
    await alice.getByLabel("Chat with a user").fill("bob");
    await alice.getByRole("button", { name: "Open", exact: true }).click();
    await alice.getByRole("heading", { name: "bob", exact: true }).waitFor({ timeout: WAIT_MS });
    await send(alice, "Webhook hello", { receipt: false });
    const c2c = await receiver.waitFor((call) => call.url.includes("CallbackCommand=C2C.CallbackAfterSendMsg"));
    assert.equal(c2c.method, "POST");
    assert.ok(
      c2c.url.startsWith(`/im-callback?SdkAppid=${server.sdkappid}&CallbackCommand=C2C.CallbackAfterSendMsg&contenttype=json`),
      c2c.url,
    );
    assert.equal(c2c.body.CallbackCommand, "C2C.CallbackAfterSendMsg");
    assert.equal(c2c.body.From_Account, "alice");
    assert.equal(c2c.body.To_Account, "bob");
    assert.deepEqual(c2c.body.MsgBody, [{ MsgType: "TIMTextElem", MsgContent: { Text: "Webhook hello" } }]);

    await openConversation(alice, "Team");
    await send(alice, "Webhook receipt check", { receipt: true });
    await alice.getByText("Sent with a read receipt request.", { exact: true }).waitFor({ timeout: WAIT_MS });
    const newest = await server.rest("group_open_http_svc", "group_msg_get_simple", { GroupId: "team", ReqMsgNumber: 1 });
    const seq = newest.RspMsgList[0].MsgSeq;
    assert.deepEqual(newest.RspMsgList[0].MsgBody[0].MsgContent, { Text: "Webhook receipt check" });
    await openConversation(bob, "Team");
    await alice
      .locator(".msg.mine", { hasText: "Webhook receipt check" })
      .getByRole("button", { name: /^Read by [1-9]/ })
      .waitFor({ timeout: WAIT_MS });
    const receipt = await receiver.waitFor(
      (call) => call.url.includes("CallbackCommand=Group.CallbackAfterReadReceipt") && call.body?.GroupMsgReceiptList?.some((one) => one.MsgSeq === seq),
    );
    assert.ok(
      receipt.url.startsWith(`/im-callback?SdkAppid=${server.sdkappid}&CallbackCommand=Group.CallbackAfterReadReceipt&contenttype=json`),
      receipt.url,
    );
    assert.equal(receipt.body.GroupId, "team");
    assert.equal(typeof receipt.body.GroupMsgReceiptList[0].ReadNum, "number");
    const entry = receipt.body.GroupMsgReceiptList.find((one) => one.MsgSeq === seq);
    assert.equal(entry.ReadNum, 1);
    assert.equal(entry.UnreadNum, 1);
    assert.deepEqual(entry.ReadReceiptMembers, [{ Member_Account: "bob" }]);
    // Only the checked commands were called (bob's reading the C2C conversation was not reported).
    for (const call of receiver.calls) {
      assert.match(call.url, /CallbackCommand=(C2C\.CallbackAfterSendMsg|Group\.CallbackAfterReadReceipt)&/, call.url);
    }
    for (const one of [page, alice, bob]) assert.deepEqual(one.context().offsite(), []);
    await alice.context().close();
    await bob.context().close();

    // A URL the server refuses: its ErrorInfo shows by the form, the field is marked, nothing changes.
    await url.fill("ftp://x");
    await command("C2C.CallbackAfterMsgReport").check();
    await page.getByRole("button", { name: "Save" }).click();
    const refusal = page.getByRole("status").filter({ hasText: /^Not saved, nothing was changed: callback_url "ftp:\/\/x" must be an http:\/\/ or https:\/\/ URL.*\(70402\)$/ });
    await refusal.waitFor({ timeout: WAIT_MS });
    assert.equal(await url.getAttribute("aria-invalid"), "true");
    const reason = await url.evaluate((field) => document.getElementById(field.getAttribute("aria-describedby").split(" ")[0]).textContent);
    assert.match(reason, /^Refused: callback_url "ftp:\/\/x" must be/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), "callback-url");
    await screenshot(page, "console-features-webhooks-refused");
    app = (await server.rest("tincan", "get_app")).App;
    assert.equal(app.callback_url, receiver.url);
    assert.deepEqual(app.callback_commands, ["C2C.CallbackAfterSendMsg", "Group.CallbackAfterReadReceipt"]);

    // Emptied, the URL turns webhooks off.
    await url.fill("");
    assert.equal(await url.getAttribute("aria-invalid"), null);
    assert.equal(await page.getByText(/^Refused: /).isVisible(), false);
    await command("C2C.CallbackAfterMsgReport").uncheck();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText(/; webhooks off\. The change applies at once/).waitFor({ timeout: WAIT_MS });
    app = (await server.rest("tincan", "get_app")).App;
    assert.equal(app.callback_url, "");
    assert.deepEqual(app.callback_commands, ["C2C.CallbackAfterSendMsg", "Group.CallbackAfterReadReceipt"]);
  } finally {
    await receiver.stop();
  }
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
  await console.getByRole("group", { name: "Webhooks" }).getByRole("checkbox", { name: "Group.CallbackAfterReadReceipt" }).scrollIntoViewIfNeeded();
  await screenshot(console, "console-360-webhooks");
  assert.ok(await console.evaluate(() => document.documentElement.scrollWidth <= 360), "the console scrolls sideways at 360 px");
  for (const page of [chat, console]) assert.deepEqual(page.context().offsite(), []);
});

/** Signs in to the console through its form. */
async function consoleAs(page, app = server.sdkappid) {
  await page.goto(`${server.origin}/console`);
  await page.getByLabel("SDKAppID").fill(String(app));
  await page.getByLabel("Administrator UserSig").fill(await server.usersig("administrator", app));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Console pages" }).waitFor({ timeout: WAIT_MS });
}

/**
 * A profile and a group profile worth showing, on an account and a group of their own so that the
 * other tests' people and groups stay as they are: what the console's Users and groups page reads.
 * The pictures' addresses are on the server itself, as the pages load nothing from elsewhere.
 */
async function profilesToShow() {
  await server.rest("im_open_login_svc", "account_import", { UserID: "dinah" });
  await server.rest("profile", "portrait_set", {
    From_Account: "dinah",
    ProfileItem: [
      { Tag: "Tag_Profile_IM_Nick", Value: "Dinah the cat" },
      { Tag: "Tag_Profile_IM_Image", Value: `${server.origin}/media/avatars/dinah.png` },
      { Tag: "Tag_Profile_IM_Gender", Value: "Gender_Type_Female" },
      { Tag: "Tag_Profile_IM_SelfSignature", Value: "Down the rabbit hole" },
      { Tag: "Tag_Profile_IM_AllowType", Value: "AllowType_Type_NeedConfirm" },
      { Tag: "Tag_Profile_Custom_Hobby", Value: "croquet" },
    ],
  });
  await server.rest("group_open_http_svc", "create_group", {
    Owner_Account: "dinah",
    Type: "Public",
    GroupId: "garden",
    Name: "Garden",
    Notification: "Paint the roses red",
    Introduction: "The queen's garden",
    FaceUrl: `${server.origin}/media/avatars/garden.png`,
    ApplyJoinOption: "NeedPermission",
    MemberList: [{ Member_Account: "alice", Role: "Admin" }, { Member_Account: "carol" }],
  });
  await server.rest("group_open_http_svc", "modify_group_base_info", { GroupId: "garden", ShutUpAllMember: "On" });
  await server.rest("group_open_http_svc", "modify_group_member_info", { GroupId: "garden", Member_Account: "carol", ShutUpTime: 3600, NameCard: "Carol (gardener)" });
}

/** The terms and values of a list of facts, as pairs. */
async function factsOf(list) {
  return list.evaluate((dl) => {
    const pairs = [];
    for (const dt of dl.querySelectorAll("dt")) pairs.push([dt.textContent.trim(), dt.nextElementSibling.textContent.trim()]);
    return pairs;
  });
}

test("Users and groups: search accounts, see a profile, hand out a chat link, see a group's profile and members, create a group", async () => {
  await profilesToShow();
  const page = await (await context()).newPage();
  await consoleAs(page);
  await page.getByRole("link", { name: "Users and groups" }).click();
  const accounts = page.getByRole("region", { name: "Accounts" });
  for (const user of ["alice", "bob", "carol"]) await accounts.getByRole("cell", { name: user, exact: true }).waitFor({ timeout: WAIT_MS });

  await page.getByRole("searchbox").fill("b");
  await page.getByRole("button", { name: "Search" }).click();
  await accounts.getByText("1 shown.").waitFor({ timeout: WAIT_MS });
  assert.equal(await accounts.getByRole("cell", { name: "alice", exact: true }).count(), 0);

  // The chat link signs its opener straight in as that user.
  await accounts.getByRole("button", { name: "Make a chat link for bob" }).click();
  const link = accounts.getByRole("link", { name: "Open the chat as bob" });
  await link.waitFor({ timeout: WAIT_MS });
  const href = await link.getAttribute("href");
  assert.match(href, /^\/chat#sdkappid=\d+&user=bob&usersig=/);
  const chat = await (await context()).newPage();
  await chat.goto(`${server.origin}${href}`);
  await chat.getByText("Signed in as bob").waitFor({ timeout: WAIT_MS });
  assert.equal(new URL(chat.url()).hash, "", "the UserSig stays in the address bar");

  // A user's profile, as portrait_get answers it; custom fields once they are named.
  await page.getByRole("searchbox").fill("");
  await page.getByRole("button", { name: "Search" }).click();
  await accounts.getByRole("button", { name: "Profile of dinah" }).click();
  await accounts.getByRole("heading", { name: "Profile of dinah" }).waitFor({ timeout: WAIT_MS });
  const dinahFacts = accounts.locator("dl[aria-label='Profile of dinah']");
  await dinahFacts.waitFor({ timeout: WAIT_MS });
  assert.deepEqual(await factsOf(dinahFacts), [
    ["Nick", "Dinah the cat"],
    ["Avatar", `${server.origin}/media/avatars/dinah.png`],
    ["Gender", "Female"],
    ["Signature", "Down the rabbit hole"],
    ["Friend requests", "Need confirmation"],
  ]);
  await accounts.getByLabel("Custom fields to show").fill("Hobby, Team");
  await accounts.getByRole("button", { name: "Show fields" }).click();
  await accounts.getByText("Hobby (custom)").waitFor({ timeout: WAIT_MS });
  assert.deepEqual((await factsOf(dinahFacts)).slice(5), [
    ["Hobby (custom)", "croquet"],
    ["Team (custom)", "none"],
  ]);
  await accounts.getByRole("button", { name: "Profile of bob" }).click();
  await accounts.getByRole("heading", { name: "Profile of bob" }).waitFor({ timeout: WAIT_MS });
  await accounts.locator("dl[aria-label='Profile of bob']").waitFor({ timeout: WAIT_MS });
  assert.deepEqual((await factsOf(accounts.locator("dl[aria-label='Profile of bob']"))).slice(0, 3), [
    ["Nick", "none"],
    ["Avatar", "none"],
    ["Gender", "Not set"],
  ], "a user that never set a profile says so");
  await accounts.getByRole("button", { name: "Profile of dinah" }).click();
  await dinahFacts.waitFor({ timeout: WAIT_MS });
  await accounts.getByText("croquet").waitFor({ timeout: WAIT_MS });
  await screenshot(page, "console-user-profile");

  const groups = page.getByRole("region", { name: "Groups" });
  const team = groups.getByRole("row", { name: /team/ });
  await team.waitFor({ timeout: WAIT_MS });
  assert.deepEqual(await team.getByRole("cell").allTextContents(), ["team", "Team", "Work", "3", "Profile and members"]);
  await team.getByRole("button", { name: "Profile and members" }).click();
  await groups.getByRole("heading", { name: "Members of team (3)" }).waitFor({ timeout: WAIT_MS });
  await groups.getByRole("row", { name: /alice Owner/ }).waitFor();
  await groups.getByRole("row", { name: /carol Member/ }).waitFor();

  // A group's profile as get_group_info answers it, and its members' roles and mutes.
  await groups.getByRole("row", { name: /garden/ }).getByRole("button", { name: "Profile and members" }).click();
  await groups.getByRole("heading", { name: "Members of garden (3)" }).waitFor({ timeout: WAIT_MS });
  const gardenFacts = groups.locator("dl[aria-label='Profile of group garden']");
  await gardenFacts.waitFor({ timeout: WAIT_MS });
  const shown = Object.fromEntries(await factsOf(gardenFacts));
  assert.equal(shown.Name, "Garden");
  assert.equal(shown.Type, "Public");
  assert.equal(shown.Owner, "dinah");
  assert.equal(shown.Notice, "Paint the roses red");
  assert.equal(shown.Introduction, "The queen's garden");
  assert.equal(shown.Face, `${server.origin}/media/avatars/garden.png`);
  assert.equal(shown["Join option"], "Needs approval");
  assert.equal(shown["All muted"], "Yes: only the owner and admins may speak");
  assert.match(shown.Members, /^3 of at most \d+$/);
  await groups.getByRole("row", { name: /dinah Owner No/ }).waitFor();
  await groups.getByRole("row", { name: /alice Admin No/ }).waitFor();
  const carol = groups.getByRole("row", { name: /carol Member/ });
  await carol.waitFor();
  const carolCells = await carol.getByRole("cell").allTextContents();
  assert.match(carolCells[2], /^Until /, "carol's mute shows with its end");
  assert.equal(carolCells[3], "Carol (gardener)");
  await groups.getByRole("heading", { name: "Group garden" }).scrollIntoViewIfNeeded();
  await screenshot(page, "console-group-profile");

  await page.getByLabel("Type").selectOption("Public");
  await page.getByLabel("Name").fill("Lobby");
  await page.getByLabel("Group ID (optional)").fill("lobby");
  await page.getByLabel("Owner (optional)").fill("alice");
  await page.getByLabel("Members, separated by commas").fill("bob, carol");
  await page.getByRole("button", { name: "Create group" }).click();
  await page.getByText("Created group lobby.").waitFor({ timeout: WAIT_MS });
  await groups.getByRole("row", { name: /lobby Lobby Public 3/ }).waitFor({ timeout: WAIT_MS });
  await screenshot(page, "console-users-and-groups");

  // The new group reaches bob's open chat without a reload.
  await chat.getByRole("navigation", { name: "Conversations" }).getByRole("button", { name: /^Lobby/ }).waitFor({ timeout: WAIT_MS });
  for (const one of [page, chat]) assert.deepEqual(one.context().offsite(), []);
});

/** Whether each element `selector` matches on the page lies inside the viewport's width. */
async function allWithinWidth(page, selector) {
  return page.evaluate((selector) => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll(selector)]
      .filter((element) => element.getClientRects().length > 0)
      // Headings of a table whose header row is hidden to the eye (read out only) do not count.
      .filter((element) => (element.closest("thead")?.getBoundingClientRect().width ?? 2) > 1)
      .filter((element) => {
        const box = element.getBoundingClientRect();
        return box.left < -0.5 || box.right > width + 0.5;
      })
      .map((element) => `${element.tagName} ${element.textContent.trim().slice(0, 40)}`);
  }, selector);
}

/** Lines an element's text takes: 1 when it does not wrap. */
async function lineCount(locator) {
  return locator.evaluate((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  });
}

test("the console on a phone: tables reflow to 360 px, SDKAppIDs stay whole, and sign-in is centred at 1280 px", async () => {
  const wide = await (await context()).newPage();
  await wide.goto(`${server.origin}/console`);
  const form = wide.getByRole("form", { name: "Sign in to the tincan console" });
  await form.waitFor();
  const box = await form.boundingBox();
  assert.ok(Math.abs(box.x + box.width / 2 - 640) <= 2, `the sign-in form is centred at 1280 px: ${JSON.stringify(box)}`);
  await screenshot(wide, "console-1280-sign-in");

  const phone = await (await context({ viewport: { width: 360, height: 740 } })).newPage();
  await consoleAs(phone);
  await phone.getByRole("cell", { name: String(server.sdkappid) }).waitFor({ timeout: WAIT_MS });
  assert.deepEqual(await allWithinWidth(phone, "main td, main th, main button, main select"), [], "nothing on Apps is cut off at 360 px");
  assert.equal(await lineCount(phone.getByRole("cell", { name: String(server.sdkappid) }).locator("code")), 1, "the SDKAppID is on one line");
  assert.equal(await lineCount(phone.locator(".who .nowrap").first()), 1, "the header's SDKAppID is on one line");
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= 360), "the console scrolls sideways at 360 px");
  await screenshot(phone, "console-360-apps");

  await phone.getByRole("link", { name: "Users and groups" }).click();
  const accounts = phone.getByRole("region", { name: "Accounts" });
  await accounts.getByRole("button", { name: "Make a chat link for alice" }).waitFor({ timeout: WAIT_MS });
  const groups = phone.getByRole("region", { name: "Groups" });
  await accounts.getByRole("button", { name: "Profile of dinah" }).click();
  await accounts.locator("dl[aria-label='Profile of dinah']").waitFor({ timeout: WAIT_MS });
  await groups.getByRole("button", { name: "Profile and members" }).first().waitFor({ timeout: WAIT_MS });
  await groups.getByRole("row", { name: /garden/ }).getByRole("button", { name: "Profile and members" }).click();
  await groups.getByRole("heading", { name: /Members of garden/ }).waitFor({ timeout: WAIT_MS });
  await groups.locator("dl[aria-label='Profile of group garden']").waitFor({ timeout: WAIT_MS });
  assert.deepEqual(
    await allWithinWidth(phone, "main td, main th, main button, main a, main input, main dt, main dd"),
    [],
    "nothing on Users and groups is cut off at 360 px",
  );
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= 360), "the console scrolls sideways at 360 px");
  await accounts.scrollIntoViewIfNeeded();
  await screenshot(phone, "console-360-accounts");
  const toTop = (element) => element.scrollIntoView({ block: "start" });
  await accounts.getByRole("heading", { name: "Profile of dinah" }).evaluate(toTop);
  await screenshot(phone, "console-360-user-profile");
  await groups.getByRole("heading", { name: "Group garden" }).evaluate(toTop);
  await screenshot(phone, "console-360-group-profile");
  await groups.getByRole("heading", { name: /Members of garden/ }).scrollIntoViewIfNeeded();
  await screenshot(phone, "console-360-groups");

  // Creating groups one after another: the type, owner and members stay, the name and ID clear.
  await phone.getByLabel("Type").selectOption("Meeting");
  await phone.getByLabel("Name").fill("Standup");
  await phone.getByLabel("Group ID (optional)").fill("standup");
  await phone.getByLabel("Owner (optional)").fill("alice");
  await phone.getByLabel("Members, separated by commas").fill("bob, carol");
  await phone.getByRole("button", { name: "Create group" }).click();
  await phone.getByText(/Created group standup\. The type, owner and members are kept/).waitFor({ timeout: WAIT_MS });
  assert.equal(await phone.getByLabel("Type").inputValue(), "Meeting");
  assert.equal(await phone.getByLabel("Owner (optional)").inputValue(), "alice");
  assert.equal(await phone.getByLabel("Members, separated by commas").inputValue(), "bob, carol");
  assert.equal(await phone.getByLabel("Name").inputValue(), "");
  assert.equal(await phone.getByLabel("Group ID (optional)").inputValue(), "");
  assert.equal(await phone.evaluate(() => document.activeElement?.id), "new-group-name", "the name has focus for the next group");
  await screenshot(phone, "console-360-create-group");
  for (const one of [wide, phone]) assert.deepEqual(one.context().offsite(), []);
});

test("Live view: connections, message and receipt rates update as charts", async () => {
  const page = await (await context()).newPage();
  await consoleAs(page);
  const chat = await (await context()).newPage();
  await chatAs(chat, "carol");
  await page.getByRole("link", { name: "Live view" }).click();
  const summary = (title) => page.locator("figure", { hasText: title }).locator(".visually-hidden");
  await page.waitForFunction(() => document.querySelectorAll("figure polyline").length > 0, null, { timeout: WAIT_MS });
  assert.match(await summary("Connections").textContent(), /Connections: now [1-9]/);

  for (let index = 0; index < 6; index++) {
    await server.cli("send", "--as", "alice", "--to", "team", "--group", `Busy minute ${index}`);
  }
  // Receipts, sent for two members through REST, show in their own chart.
  for (let index = 0; index < 4; index++) {
    const text = [{ MsgType: "TIMTextElem", MsgContent: { Text: `Read me ${index}` } }];
    const sent = await server.rest("group_open_http_svc", "send_group_msg", { GroupId: "team", From_Account: "alice", Random: 900 + index, MsgBody: text, NeedReadReceipt: 1 });
    for (const reader of ["bob", "carol"]) {
      await server.rest("group_open_http_svc", "group_msg_receipt", { GroupId: "team", From_Account: reader, MsgSeqList: [{ MsgSeq: sent.MsgSeq }] });
    }
  }
  for (const title of ["Messages", "Receipts"]) {
    await page.waitForFunction(
      (title) => {
        const text = [...document.querySelectorAll("figure")].find((figure) => figure.querySelector(".chart-title")?.textContent === title)?.querySelector(".visually-hidden")?.textContent ?? "";
        const peak = Number(/peak ([\d.,]+)/.exec(text)?.[1].replace(",", "") ?? 0);
        return peak > 0;
      },
      title,
      { timeout: WAIT_MS },
    );
  }
  await page.waitForTimeout(1500);
  await screenshot(page, "console-live");
  assert.deepEqual(page.context().offsite(), []);
});

test("Apps: create an app, change its plan, and rotate keys; a rotation ends the other sessions of that app", async () => {
  const root = await (await context()).newPage();
  await consoleAs(root);
  await root.getByLabel("Plan", { exact: true }).selectOption("Pro");
  await root.getByRole("button", { name: "Create app" }).click();
  const created = root.getByText(/Created app \d+ on the Pro plan/);
  await created.waitFor({ timeout: WAIT_MS });
  const newApp = Number(/Created app (\d+)/.exec(await created.textContent())[1]);
  const row = root.getByRole("row", { name: new RegExp(String(newApp)) });
  await row.waitFor({ timeout: WAIT_MS });

  await row.getByRole("combobox").selectOption("Standard");
  await row.getByRole("button", { name: "Change plan" }).click();
  await root.getByText(`${newApp} is now on the Standard plan. This applies at once`).waitFor({ timeout: WAIT_MS });
  assert.equal((await server.rest("tincan", "list_apps")).Apps.find((app) => app.sdkappid === newApp).plan, "Standard");

  // The new app's own administrator signs in elsewhere and sees only that app.
  const other = await (await context()).newPage();
  await consoleAs(other, newApp);
  await other.getByText("You administer this app only").waitFor({ timeout: WAIT_MS });
  await other.getByRole("link", { name: "Feature configuration" }).click();
  await other.getByText(/Read receipts need the Ultimate plan. This app is on the Standard plan/).waitFor({ timeout: WAIT_MS });
  await screenshot(other, "console-features-standard-plan");

  // The first app's administrator rotates the new app's key: the other session ends.
  await row.getByRole("button", { name: "Rotate key" }).click();
  const dialog = root.getByRole("dialog", { name: "Rotate the key?" });
  await dialog.waitFor();
  await screenshot(root, "console-rotate-dialog");
  await dialog.getByRole("button", { name: "Rotate the key" }).click();
  await root.getByText(`App ${newApp} has a new key`).waitFor({ timeout: WAIT_MS });
  await other.getByRole("link", { name: "Apps" }).click();
  await other.getByText("Your console session ended; sign in again.").waitFor({ timeout: WAIT_MS });

  // Rotating one's own app's key keeps one's own session, and old UserSigs stop opening new ones.
  const oldSig = await server.usersig("administrator");
  const ownRow = root.getByRole("row", { name: new RegExp(String(server.sdkappid)) });
  await ownRow.getByRole("button", { name: "Rotate key" }).click();
  await dialog.getByRole("button", { name: "Rotate the key" }).click();
  await root.getByText(`App ${server.sdkappid} has a new key`).waitFor({ timeout: WAIT_MS });
  await root.getByRole("link", { name: "Feature configuration" }).click();
  await root.getByRole("checkbox", { name: /^Work/ }).waitFor({ timeout: WAIT_MS });
  const refused = await fetch(`${server.origin}/console/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Tincan-Console": "1" },
    body: JSON.stringify({ SdkAppId: server.sdkappid, Identifier: "administrator", UserSig: oldSig }),
  });
  assert.equal(refused.status, 401);
  for (const one of [root, other]) assert.deepEqual(one.context().offsite(), []);
});
