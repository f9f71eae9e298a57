// Tencent's own chat UIKit (@tencentcloud/chat-uikit-react, installed unchanged from the npm
// registry, with @tencentcloud/lite-chat overridden to tincan-chat) running against a real
// `tincan serve` in headless Chromium, with every request to another host blocked. People use it
// as they would: the conversation list shows unread counts, alice sends bob a message and a
// picture asking for read receipts and sees them marked Read once bob opens the chat, then recalls
// the message and it disappears on both sides; in a group of four, alice's message shows how many
// have not read it, and the kit's panel lists who has and has not.
// Screenshots go to target/uikit-artifacts/.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { pngImage, startServer } from "../../test/harness.mjs";
import { APP_DIR, isolatedContext, launchBrowser, screenshot, serveStatic } from "./browser.mjs";

let server;
let site;
let browser;
const pages = [];

/** Kit errors that come from the kit itself and not from the SDK; anything else fails the test. */
const KNOWN_PAGE_ERRORS = [];

before(async () => {
  const sdkDist = join(APP_DIR, "..", "dist", "index.js");
  if (!existsSync(sdkDist)) execFileSync(process.execPath, [join(APP_DIR, "..", "scripts", "build.mjs")], { stdio: "inherit" });
  execFileSync(process.execPath, [join(APP_DIR, "node_modules", "vite", "bin", "vite.js"), "build"], { cwd: APP_DIR, stdio: "inherit" });
  server = await startServer();
  await server.importAccounts("alice", "bob", "carol", "dave");
  site = await serveStatic(join(APP_DIR, "dist"));
  browser = await launchBrowser();
});

after(async () => {
  const blocked = [...new Set(pages.flatMap(({ context }) => context.blocked))];
  if (blocked.length > 0) {
    // The kit links some of its images to Tencent's hosts; they are blocked, and said here.
    const hosts = [...new Set(blocked.map((url) => new URL(url).host))];
    console.log(`# blocked ${blocked.length} requests to ${hosts.join(", ")}, for example ${blocked.slice(0, 3).join(" ")}`);
  }
  await browser?.close();
  await site?.stop();
  await server?.stop();
});

/** Opens the app signed in as `user`, in its own browser context; resolves once the kit shows its list. */
async function signIn(user) {
  const context = await isolatedContext(browser, [site.origin, `http://${server.address}`]);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => {
    if (!KNOWN_PAGE_ERRORS.some((known) => error.message.includes(known))) errors.push(error.message);
  });
  const query = new URLSearchParams({ user, sig: server.userSig(user), sdkappid: String(server.sdkappid), server: server.url });
  if (process.env.TINCAN_UIKIT_DEBUG) {
    // Every SDK call the kit makes, and its outcome, on the test's output.
    query.set("debug", "1");
    page.on("console", (message) => {
      if (message.text().includes("[tincan-chat]")) console.log(`# ${user}: ${message.text().slice(0, 400)}`);
    });
  }
  await page.goto(`${site.origin}/?${query}`);
  await page.locator("#login-status[data-status=success]").waitFor({ state: "attached", timeout: 20_000 });
  const entry = { user, context, page, errors };
  pages.push(entry);
  return entry;
}

/** The conversation list's entry titled `title`. */
function conversation(page, title) {
  return page.getByText(title, { exact: true }).first();
}

async function send(page, text) {
  const editor = page.locator("[contenteditable=true]").first();
  await editor.click();
  await editor.pressSequentially(text);
  await page.keyboard.press("Enter");
  await page.getByText(text, { exact: true }).last().waitFor();
}

test("C2C: unread counts in the list, a message asking for a receipt, marked Read once bob opens it", async () => {
  // Bob wrote first (through the REST API, as a back end would), so both have the conversation.
  await server.rest("openim", "sendmsg", {
    SyncOtherMachine: 1,
    From_Account: "bob",
    To_Account: "alice",
    MsgRandom: 1,
    MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: "Are you in today?" } }],
  });
  const alice = await signIn("alice");
  const bob = await signIn("bob");

  // Alice's list shows bob's conversation with one unread message.
  await conversation(alice.page, "bob").waitFor();
  await alice.page.getByText("Are you in today?").first().waitFor();
  assert.equal(await alice.page.getByText("1", { exact: true }).count() > 0, true, "an unread badge of 1");
  await screenshot(alice.page, "c2c-1-alice-list-unread");

  await conversation(alice.page, "bob").click();
  await alice.page.getByText("Are you in today?").last().waitFor();
  await send(alice.page, "Lunch at noon?");
  // The kit asks the SDK whether receipts are enabled and, since they are, marks the message.
  await alice.page.getByText("Unread", { exact: true }).first().waitFor({ timeout: 10_000 });
  await screenshot(alice.page, "c2c-2-alice-sent-unread");

  // Bob's list shows the new message and its unread count; he opens the chat.
  await bob.page.getByText("Lunch at noon?").first().waitFor();
  await screenshot(bob.page, "c2c-3-bob-list-unread");
  await conversation(bob.page, "alice").click();
  await bob.page.getByText("Lunch at noon?").last().waitFor();
  await screenshot(bob.page, "c2c-4-bob-reads");

  // Alice sees it read.
  await alice.page.getByText("Read", { exact: true }).first().waitFor({ timeout: 10_000 });
  assert.equal(await alice.page.getByText("Unread", { exact: true }).count(), 0, "no message of alice's is still unread");
  await screenshot(alice.page, "c2c-5-alice-sees-read");

  // Alice sends bob a picture through the kit's image button: it is uploaded to the server, asks
  // for a read receipt as her text did, shows on bob's side, and turns Read once he has it open.
  const editorBox = await alice.page.locator("[contenteditable=true]").first().boundingBox();
  await alice.page.mouse.click(editorBox.x - 30, editorBox.y + editorBox.height / 2);
  const imageInput = alice.page.locator('input[type=file][accept*="image/png"]').first();
  await imageInput.waitFor({ state: "attached" });
  await imageInput.setInputFiles({ name: "sunset.png", mimeType: "image/png", buffer: await pngImage(400, 300) });
  const bobsPicture = bob.page.locator(`img[src^="http://${server.address}/media/"]`).last();
  await bobsPicture.waitFor({ timeout: 15_000 });
  await bob.page.waitForFunction(
    (prefix) => [...document.querySelectorAll("img")].some((image) => image.src.startsWith(prefix) && image.complete && image.naturalWidth > 0),
    `http://${server.address}/media/`,
  );
  await screenshot(bob.page, "c2c-6-bob-sees-image");
  await alice.page.locator(`img[src^="http://${server.address}/media/"]`).last().waitFor({ timeout: 15_000 });
  await alice.page.waitForFunction(() => [...document.querySelectorAll("*")].filter((node) => node.childElementCount === 0 && node.textContent.trim() === "Read").length >= 2, null, { timeout: 15_000 });
  assert.equal(await alice.page.getByText("Unread", { exact: true }).count(), 0, "the picture is read too");
  await screenshot(alice.page, "c2c-7-alice-image-read");

  // Alice recalls her text from the kit's message menu: it disappears on both sides, and each
  // kit says it was recalled.
  const bubble = alice.page.getByText("Lunch at noon?", { exact: true }).last();
  await bubble.click({ button: "right" });
  await alice.page.locator('text="Recall" >> visible=true').first().click();
  await alice.page.getByText(/recalled a message/).first().waitFor({ timeout: 10_000 });
  await bob.page.getByText(/recalled a message/).first().waitFor({ timeout: 10_000 });
  for (const { page } of [alice, bob]) {
    assert.equal(await page.getByText("Lunch at noon?", { exact: true }).count(), 0, "the recalled text is gone");
  }
  await screenshot(alice.page, "c2c-8-alice-recalled");
  await screenshot(bob.page, "c2c-9-bob-sees-recalled");

  for (const { user, errors } of [alice, bob]) assert.deepEqual(errors, [], `${user}'s page had errors`);
});

test("a group of four: unread counts per message, and the kit's read and unread member lists", async () => {
  await server.rest("group_open_http_svc", "create_group", {
    Owner_Account: "alice",
    Type: "Private",
    GroupId: "release",
    Name: "Release",
    MemberList: [{ Member_Account: "bob" }, { Member_Account: "carol" }, { Member_Account: "dave" }],
  });
  const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map((user) => signIn(user)));
  await conversation(alice.page, "Release").waitFor();
  await conversation(alice.page, "Release").click();
  await send(alice.page, "Release at 5?");
  await alice.page.getByText(/^3\s*Unread$/).first().waitFor({ timeout: 10_000 });
  await screenshot(alice.page, "group-1-alice-sent-3-unread");

  for (const member of [bob, carol]) {
    await conversation(member.page, "Release").waitFor();
    await conversation(member.page, "Release").click();
    await member.page.getByText("Release at 5?").last().waitFor();
  }
  await screenshot(bob.page, "group-2-bob-reads");
  await alice.page.getByText(/^1\s*Unread$/).first().waitFor({ timeout: 10_000 });
  await screenshot(alice.page, "group-3-alice-1-unread");

  // The kit's panel: who has read it and who has not.
  await alice.page.getByText(/^1\s*Unread$/).first().click();
  const panel = alice.page.getByText("Read Receipt Detail").locator("xpath=ancestor::*[.//*[contains(text(), 'Unread (')]][1]");
  await alice.page.getByText("Read (2)", { exact: true }).waitFor({ timeout: 10_000 });
  await panel.getByText("bob", { exact: true }).waitFor();
  await panel.getByText("carol", { exact: true }).waitFor();
  assert.equal(await panel.getByText("dave", { exact: true }).count(), 0, "dave is not among the readers");
  await alice.page.waitForTimeout(800);
  await screenshot(alice.page, "group-4-alice-read-list");
  await alice.page.getByText("Unread (1)", { exact: true }).click();
  await panel.getByText("dave", { exact: true }).waitFor({ timeout: 10_000 });
  assert.equal(await panel.getByText("bob", { exact: true }).count(), 0, "bob is not among those who have not read it");
  // The kit fades the tab's list in; the screenshot waits for it.
  await alice.page.waitForTimeout(800);
  await screenshot(alice.page, "group-5-alice-unread-list");

  for (const { user, errors } of [alice, bob, carol]) assert.deepEqual(errors, [], `${user}'s page had errors`);
});
