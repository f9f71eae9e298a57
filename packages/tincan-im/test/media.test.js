// Rich media through TimRender against a real tincan server: an element's local file is
// uploaded before its message is sent (with progress callbacks), the peer downloads it with
// TIMMsgDownloadElemToPath, a missing file or a cancelled upload sends nothing.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const zlib = require("node:zlib");
const { after, before, test } = require("node:test");

const TimRender = require("../dist/renderer").default;
const { eventually, rejection, startServer } = require("./helpers");

let server;
let alice;
let bob;
let dir;
const progress = [];
const received = [];

function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) {
      crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
    }
  }
  return ~crc >>> 0;
}

/** An RGB PNG of `width` by `height` pixels. */
function png(width, height) {
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, "ascii");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = y * (width * 3 + 1) + 1 + x * 3;
      rows[at] = x % 256;
      rows[at + 1] = y % 256;
      rows[at + 2] = 80;
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", zlib.deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

before(async () => {
  server = await startServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tincan-im-media-"));
  alice = new TimRender({ instance: "media-alice" });
  bob = new TimRender({ instance: "media-bob" });
  for (const [sdk, user] of [
    [bob, "bob"],
    [alice, "alice"],
  ]) {
    await sdk.TIMInit({ sdkappid: server.sdkappid, server_address: server.address });
    await sdk.TIMLogin({ userID: user, userSig: server.userSig(user) });
  }
  await alice.TIMSetMsgElemUploadProgressCallback({
    callback: (...args) => progress.push(args),
    user_data: "progress",
  });
  await bob.TIMSetRecvNewMsgCallback({ callback: (messages) => received.push(...JSON.parse(messages)) });
});

after(async () => {
  for (const sdk of [alice, bob]) {
    await sdk?.TIMUninit();
  }
  await server?.stop();
  if (dir) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("an image's local file is uploaded with progress, and the peer downloads each size", async () => {
  const picture = png(800, 400);
  const file = path.join(dir, "cat.png");
  fs.writeFileSync(file, picture);
  const result = await alice.TIMMsgSendMessage({
    conv_id: "bob",
    conv_type: 1,
    params: { message_elem_array: [{ elem_type: 1, image_elem_orig_path: file }] },
    user_data: "send",
  });
  const sent = result.json_params.message_elem_array[0];
  assert.equal(sent.image_elem_orig_path, undefined, "the local path is not passed on");
  assert.equal(sent.image_elem_orig_pic_width, 800);
  assert.equal(sent.image_elem_large_pic_width, 720);
  assert.equal(sent.image_elem_thumb_pic_height, 99);
  const last = await eventually(() => progress.find((args) => args[2] === args[3]), "the last progress report");
  const [json_msg, index, cur, total, userData] = last;
  assert.equal(JSON.parse(json_msg).message_msg_id, result.json_params.message_msg_id);
  assert.deepEqual([index, cur, total, userData], [0, picture.length, picture.length, "progress"]);
  const theirs = await eventually(
    () => received.find((message) => message.message_msg_id === result.json_params.message_msg_id),
    "bob's copy",
  );
  const elem = theirs.message_elem_array[0];
  const heard = [];
  const orig = path.join(dir, "orig.png");
  const download = await bob.TIMMsgDownloadElemToPath({
    params: { msg_download_elem_param_id: elem.image_elem_orig_id, msg_download_elem_param_url: elem.image_elem_orig_url },
    path: orig,
    callback: (...args) => heard.push(args),
    user_data: "download",
  });
  assert.equal(download.code, 0);
  assert.deepEqual(JSON.parse(download.json_param), {
    msg_download_elem_result_current_size: picture.length,
    msg_download_elem_result_total_size: picture.length,
  });
  assert.deepEqual(heard, [[0, "", download.json_param, "download"]]);
  assert.deepEqual(fs.readFileSync(orig), picture);
  const thumb = path.join(dir, "thumb.png");
  await bob.TIMMsgDownloadElemToPath({
    params: { msg_download_elem_param_id: elem.image_elem_thumb_id, msg_download_elem_param_url: elem.image_elem_thumb_url },
    path: thumb,
    user_data: "",
  });
  const bytes = fs.readFileSync(thumb);
  assert.equal(bytes.length, elem.image_elem_thumb_pic_size);
  assert.equal(bytes.readUInt32BE(16), 198, "the thumbnail is 198 pixels wide");
});

test("a missing file fails the send with 7004 and a changed URL fails the download", async () => {
  const failed = await rejection(
    alice.TIMMsgSendMessage({
      conv_id: "bob",
      conv_type: 1,
      params: { message_elem_array: [{ elem_type: 4, file_elem_file_path: path.join(dir, "nothing.pdf") }] },
      user_data: "missing",
    }),
  );
  assert.equal(failed.code, 7004);
  assert.equal(failed.user_data, "missing");
  const file = path.join(dir, "notes.txt");
  fs.writeFileSync(file, "some notes");
  const result = await alice.TIMMsgSendMessage({
    conv_id: "bob",
    conv_type: 1,
    params: { message_elem_array: [{ elem_type: 4, file_elem_file_path: file }] },
  });
  const elem = result.json_params.message_elem_array[0];
  assert.equal(elem.file_elem_file_name, "notes.txt");
  assert.equal(elem.file_elem_file_size, 10);
  const refused = await rejection(
    bob.TIMMsgDownloadElemToPath({
      params: { msg_download_elem_param_id: "", msg_download_elem_param_url: elem.file_elem_url.replace("sign=", "sign=00") },
      path: path.join(dir, "never.txt"),
      user_data: "bad url",
    }),
  );
  assert.equal(refused.code, 6017);
  assert.match(refused.desc, /signature/);
  assert.equal(fs.existsSync(path.join(dir, "never.txt")), false);
});

test("TIMMsgCancelSend stops an upload in progress and nothing is sent", async () => {
  const file = path.join(dir, "big.bin");
  fs.writeFileSync(file, Buffer.alloc(90 * 1024 * 1024, 7));
  const before = received.length;
  let cancelled;
  await alice.TIMSetMsgElemUploadProgressCallback({
    callback: (json_msg) => {
      if (cancelled === undefined) {
        cancelled = alice.TIMMsgCancelSend({ conv_id: "bob", conv_type: 1, message_id: JSON.parse(json_msg).message_msg_id });
      }
    },
  });
  const failed = await rejection(
    alice.TIMMsgSendMessage({
      conv_id: "bob",
      conv_type: 1,
      params: { message_elem_array: [{ elem_type: 4, file_elem_file_path: file }] },
    }),
  );
  assert.equal((await cancelled).code, 0);
  assert.equal(failed.code, 7014);
  assert.match(failed.desc, /cancelled/);
  const late = await rejection(alice.TIMMsgCancelSend({ conv_id: "bob", conv_type: 1, message_id: "1-2-3" }));
  assert.equal(late.code, 6017, "nothing to cancel");
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(received.length, before, "bob received nothing");
});
