// Images and files as TIM's Web SDK sends them: create*Message with a File, sendMessage uploads
// it to the server (onProgress tells how far), and the peer gets TIM's payload with URLs it can
// download: three sizes of an image, the file's name and size.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { loggedIn, pngImage, startServer, TencentCloudChat } from "./harness.mjs";

const { EVENT, TYPES } = TencentCloudChat;
let server;

before(async () => {
  server = await startServer();
  await server.importAccounts("alice", "bob");
});

after(async () => {
  await server?.stop();
});

test("an image with a read receipt request: uploaded with progress, three sizes, downloadable by the peer", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    const png = await pngImage(1000, 500);
    const progress = [];
    const message = alice.chat.createImageMessage({
      to: "bob",
      conversationType: TYPES.CONV_C2C,
      payload: { file: new File([png], "sunset.png", { type: "image/png" }) },
      needReadReceipt: true,
      onProgress: (percent) => progress.push(percent),
    });
    const received = bob.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.type === TYPES.MSG_IMAGE));
    const sent = await alice.chat.sendMessage(message);
    assert.equal(sent.data.message.status, "success");
    assert.equal(progress[0], 0);
    assert.equal(progress.at(-1), 1);
    assert.ok(progress.every((value, index) => index === 0 || value >= progress[index - 1]), `progress only grows: ${progress}`);

    const [image] = (await received).data.filter((m) => m.type === TYPES.MSG_IMAGE);
    assert.equal(image.needReadReceipt, true);
    assert.equal(image.payload.imageFormat, 3, "PNG");
    assert.ok(image.payload.uuid, "the upload's ID");
    const sizes = image.payload.imageInfoArray.map(({ width, height, type }) => [type, width, height]);
    assert.deepEqual(sizes, [
      [0, 1000, 500],
      [1, 720, 360],
      [2, 198, 99],
    ]);
    assert.deepEqual(
      message.payload.imageInfoArray.map((info) => info.url),
      image.payload.imageInfoArray.map((info) => info.url),
      "the sender's message carries the same URLs",
    );
    const original = await fetch(image.payload.imageInfoArray[0].url);
    assert.equal(original.status, 200);
    assert.deepEqual(Buffer.from(await original.arrayBuffer()), png);
    const thumb = await fetch(image.payload.imageInfoArray[2].url);
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get("content-type"), "image/png");

    // Bob reads it and sends the receipt; alice hears of it.
    const told = alice.events.next(EVENT.MESSAGE_READ_RECEIPT_RECEIVED);
    await bob.chat.sendMessageReadReceipt([image]);
    const receipt = await told;
    assert.equal(receipt.data[0].messageID, message.ID);
    assert.equal(receipt.data[0].isPeerRead, true);

    // The conversation shows it as TIM does.
    const conversation = (await bob.chat.getConversationProfile("C2Calice")).data.conversation;
    assert.equal(conversation.lastMessage.messageForShow, "[Image]");
  } finally {
    await alice.chat.logout();
    await bob.chat.logout();
  }
});

test("a file: name and size kept, the peer downloads the same bytes, a resend does not upload again", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    const bytes = Buffer.alloc(300 * 1024, 7);
    const progress = [];
    const message = alice.chat.createFileMessage({
      to: "bob",
      conversationType: TYPES.CONV_C2C,
      payload: { file: new File([bytes], "notes.bin", { type: "application/octet-stream" }) },
      onProgress: (percent) => progress.push(percent),
    });
    const received = bob.events.next(EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => m.type === TYPES.MSG_FILE));
    await alice.chat.sendMessage(message);
    assert.ok(progress.length >= 3, `progress in steps: ${progress}`);
    const [file] = (await received).data.filter((m) => m.type === TYPES.MSG_FILE);
    assert.equal(file.payload.fileName, "notes.bin");
    assert.equal(file.payload.fileSize, bytes.length);
    const download = await fetch(file.payload.fileUrl);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes);

    const uploadsBefore = progress.length;
    const again = await alice.chat.resendMessage(message);
    assert.equal(again.data.message.ID, message.ID);
    assert.equal(progress.length, uploadsBefore, "no second upload");

    // A URL whose signature was changed is refused.
    const tampered = file.payload.fileUrl.replace(/sign=([0-9a-f])/, (_, digit) => `sign=${digit === "0" ? "1" : "0"}`);
    assert.equal((await fetch(tampered)).status, 403);
  } finally {
    await alice.chat.logout();
    await bob.chat.logout();
  }
});
