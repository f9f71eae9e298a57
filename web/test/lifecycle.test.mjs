// The chat client beyond text: profiles with a nick and an avatar that others see, typing
// notices (online-only messages), editing and revoking one's own messages, and pictures and files
// with previews, between two people in Chromium at 1280 and at 360 px wide.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser, newContext, pngImage, screenshot, signInToChat, startServer } from "./harness.mjs";

const WAIT_MS = 15_000;

let server;
let browser;
const contexts = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await server.rest("im_open_login_svc", "multiaccount_import", { Accounts: ["alice", "bob", "carol", "dave"] });
});

after(async () => {
  for (const context of contexts) {
    assert.deepEqual(context.offsite(), [], "nothing is loaded from anywhere but the server");
    await context.close();
  }
  await browser?.close();
  await server?.stop();
});

async function page(label, width) {
  const context = await newContext(browser, server.origin, { label, viewport: { width, height: 800 } });
  contexts.push(context);
  return context.newPage();
}

async function chatAs(page, user) {
  await signInToChat(page, server, user, WAIT_MS);
}

async function openChatWith(page, user) {
  await page.getByLabel("Chat with a user").fill(user);
  await page.getByRole("button", { name: "Open", exact: true }).click();
  await page.getByRole("textbox", { name: "Message" }).waitFor({ timeout: WAIT_MS });
}

for (const [width, alice, bob] of [
  [1280, "alice", "bob"],
  [360, "carol", "dave"],
]) {
  test(`at ${width} px: a profile, typing, edit and revoke, a picture and a file between ${alice} and ${bob}`, async () => {
    const nick = `${alice[0].toUpperCase()}${alice.slice(1)} Liddell`;
    const a = await page(alice, width);
    const b = await page(bob, width);
    await chatAs(a, alice);
    await chatAs(b, bob);

    // A nick and an avatar (a small picture as a data: URL, which the page may show).
    const avatar = `data:image/png;base64,${(await pngImage(8, 8)).toString("base64")}`;
    await a.getByText("Profile", { exact: true }).click();
    await a.getByLabel("Nickname").fill(nick);
    await a.getByLabel("Avatar address").fill(avatar);
    await a.getByRole("button", { name: "Save profile" }).click();
    await a.locator(".topbar .who").getByText(nick).waitFor({ timeout: WAIT_MS });
    assert.equal(await a.locator(".topbar .who img.avatar").getAttribute("src"), avatar);

    // Typing reaches bob while alice writes; nothing of it is stored.
    await openChatWith(a, bob);
    await openChatWith(b, alice);
    await a.getByRole("textbox", { name: "Message" }).fill("Release at 5");
    await b.getByText(`${nick} is typing…`).waitFor({ timeout: WAIT_MS });
    await screenshot(b, `chat-${width}-typing`);
    await a.getByRole("textbox", { name: "Message" }).press("Enter");
    const theirs = b.locator(".msg", { hasText: "Release at 5" });
    await theirs.waitFor({ timeout: WAIT_MS });
    assert.equal(await b.getByText(`${nick} is typing…`).count(), 0, "the notice ends with the message");
    await theirs.locator(".sender").getByText(nick).waitFor();
    assert.equal(await theirs.locator(".sender img.avatar").getAttribute("src"), avatar);
    if (width > 600) {
      // The list beside the conversation names alice by her nick now.
      await b.getByRole("navigation", { name: "Conversations" }).getByRole("button", { name: new RegExp(`^${nick}`) }).waitFor({ timeout: WAIT_MS });
    }

    // Alice edits it; bob sees the new text, marked edited.
    const mine = a.locator(".msg.mine", { hasText: "Release at 5" });
    await mine.getByRole("button", { name: "Edit" }).click();
    await a.getByRole("textbox", { name: "Edit message" }).fill("Release at 6");
    await a.getByRole("button", { name: "Save" }).click();
    await a.locator(".msg.mine", { hasText: "Release at 6" }).getByText("(edited)").waitFor({ timeout: WAIT_MS });
    await b.locator(".msg", { hasText: "Release at 6" }).getByText("(edited)").waitFor({ timeout: WAIT_MS });
    await screenshot(b, `chat-${width}-edited`);

    // A picture, with a preview on both sides, and a file to download.
    const png = await pngImage(640, 400);
    await a.locator("#attach-file").setInputFiles({ name: "sunset.png", mimeType: "image/png", buffer: png });
    await a.getByText("Sent sunset.png.").waitFor({ timeout: WAIT_MS });
    const picture = b.locator(".msg .picture img");
    await picture.waitFor({ timeout: WAIT_MS });
    await b.waitForFunction(() => {
      const image = document.querySelector(".msg .picture img");
      return image instanceof HTMLImageElement && image.complete && image.naturalWidth > 0;
    });
    assert.equal(await picture.evaluate((image) => image.naturalWidth), 198, "the thumbnail");
    const full = await b.locator(".msg .picture").getAttribute("href");
    const original = await fetch(full);
    assert.deepEqual(Buffer.from(await original.arrayBuffer()), png, "the link opens the original");

    await a.locator("#attach-file").setInputFiles({ name: "minutes.txt", mimeType: "text/plain", buffer: Buffer.from("1. ship it\n") });
    const file = b.getByRole("link", { name: /minutes\.txt \(11 bytes\)/ });
    await file.waitFor({ timeout: WAIT_MS });
    const download = await fetch(await file.getAttribute("href"));
    assert.equal(await download.text(), "1. ship it\n");
    await b.locator(".msg").last().scrollIntoViewIfNeeded();
    await screenshot(b, `chat-${width}-picture-and-file`);
    await screenshot(a, `chat-${width}-sender-picture-and-file`);

    // Alice revokes the edited message: it says so on both sides, and nothing of it is left.
    await a.locator(".msg.mine", { hasText: "Release at 6" }).getByRole("button", { name: "Revoke" }).click();
    await a.getByText("You revoked this message.").waitFor({ timeout: WAIT_MS });
    await b.getByText(`${nick} revoked this message.`).waitFor({ timeout: WAIT_MS });
    assert.equal(await b.getByText("Release at 6").count(), 0);
    await screenshot(a, `chat-${width}-revoked-sender`);
    await screenshot(b, `chat-${width}-revoked-reader`);
  });
}
