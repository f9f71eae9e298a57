// Two users on a running tincan server: alice sends bob a message that asks for a read receipt,
// bob reads his history and sends the receipt the way TIM's documentation shows, and alice's
// TIMSetMsgReadedReceiptCallback reports it.
//
// Environment: TINCAN_SERVER (default 127.0.0.1:8080), TINCAN_DATA (the server's data directory,
// default tincan-data; the app's SDKAppID and key are read there), TINCAN_BIN (the tincan binary,
// default `tincan` on the PATH; it makes the UserSigs).
"use strict";

const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const TimRender = require("tincan-im/dist/renderer").default;

const server = process.env.TINCAN_SERVER || "127.0.0.1:8080";
const data = process.env.TINCAN_DATA || "tincan-data";
const tincan = process.env.TINCAN_BIN || "tincan";
const sdkappid = Number(
  process.env.TINCAN_SDKAPPID || path.basename(fs.readdirSync(path.join(data, "apps")).find((it) => it.endsWith(".key")), ".key"),
);
const userSig = (user) =>
  execFileSync(tincan, ["usersig", "--user", user, "--sdkappid", String(sdkappid), "--data", data], { encoding: "utf8" }).trim();

async function main() {
  const alice = new TimRender({ instance: "alice" });
  const bob = new TimRender({ instance: "bob" });
  for (const [sdk, user] of [[bob, "bob"], [alice, "alice"]]) {
    await sdk.TIMInit({ sdkappid, server_address: server });
    await sdk.TIMLogin({ userID: user, userSig: userSig(user) });
  }

  const read = new Promise((resolve) =>
    alice.TIMSetMsgReadedReceiptCallback({ callback: (json) => resolve(JSON.parse(json)), user_data: "" }),
  );
  const sent = await alice.TIMMsgSendMessage({
    conv_id: "bob",
    conv_type: 1,
    params: {
      message_elem_array: [{ elem_type: 0, text_elem_content: "Lunch at noon?" }],
      message_need_read_receipt: true,
    },
  });
  console.log(`alice sent ${sent.json_params.message_msg_id}`);

  const { json_params } = await bob.TIMMsgGetMsgList({ conv_id: "alice", conv_type: 1, params: { msg_getmsglist_param_count: 1 } });
  await bob.TIMMsgSendMessageReadReceipts({ json_msg_array: JSON.stringify([json_params[0]]), user_data: "" });

  const [receipt] = await read;
  console.log(`alice's receipt: ${receipt.msg_receipt_msg_id} read by ${receipt.msg_receipt_conv_id}: ${receipt.msg_receipt_is_peer_read}`);
  await alice.TIMUninit();
  await bob.TIMUninit();
}

main().catch((failure) => {
  console.error("failed:", failure);
  process.exitCode = 1;
});
