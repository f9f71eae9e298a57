// The reader's side of a read receipt: a message that asks for one says whether this user has
// sent it (`hasSentReceipt`, a tincan addition), after a send from this instance, in history read
// by a new instance, and on another device of the same user, which hears of it through
// MESSAGE_MODIFIED.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { eventually, loggedIn, startServer, TencentCloudChat } from "./harness.mjs";

const { EVENT, TYPES } = TencentCloudChat;
let server;

before(async () => {
  server = await startServer();
  await server.importAccounts("alice", "bob", "carol");
  await server.rest("group_open_http_svc", "create_group", {
    Owner_Account: "alice",
    Type: "Private",
    GroupId: "readers",
    Name: "Readers",
    MemberList: [{ Member_Account: "bob" }, { Member_Account: "carol" }],
  });
});

after(async () => {
  await server?.stop();
});

for (const [kind, to, conversationType] of [
  ["C2C", "bob", TYPES.CONV_C2C],
  ["group", "readers", TYPES.CONV_GROUP],
]) {
  test(`${kind}: a receipt sent says so on the reader's message, on this device, in history and on the reader's other device`, async () => {
    const alice = await loggedIn(server, "alice");
    const bob = await loggedIn(server, "bob");
    const bobElsewhere = await loggedIn(server, "bob");
    try {
      const received = bob.events.next(EVENT.MESSAGE_RECEIVED);
      const receivedElsewhere = bobElsewhere.events.next(EVENT.MESSAGE_RECEIVED);
      const asking = alice.chat.createTextMessage({ to, conversationType, payload: { text: `${kind}: read me` }, needReadReceipt: true });
      const plain = alice.chat.createTextMessage({ to, conversationType, payload: { text: `${kind}: no receipt` } });
      assert.equal(asking.hasSentReceipt, false, "a sender's own message is never receipted by it");
      await alice.chat.sendMessage(asking);
      await alice.chat.sendMessage(plain);
      const [incoming] = (await received).data;
      const [elsewhere] = (await receivedElsewhere).data;
      assert.equal(incoming.ID, asking.ID);
      assert.equal(incoming.needReadReceipt, true);
      assert.equal(incoming.hasSentReceipt, false);
      assert.equal(elsewhere.hasSentReceipt, false);

      const modified = bobElsewhere.events.next(EVENT.MESSAGE_MODIFIED);
      await bob.chat.sendMessageReadReceipt([incoming]);
      assert.equal(incoming.hasSentReceipt, true, "this instance marks the message at once");
      const event = await modified;
      assert.deepEqual(event.data.map((message) => message.ID), [asking.ID]);
      assert.equal(event.data[0], elsewhere, "the other device's cached message, now marked");
      assert.equal(elsewhere.hasSentReceipt, true);

      // A new instance reads the state from the server with the history.
      const later = await loggedIn(server, "bob");
      try {
        const conversationID = `${conversationType}${kind === "C2C" ? "alice" : to}`;
        const page = await later.chat.getMessageList({ conversationID });
        const byID = new Map(page.data.messageList.map((message) => [message.ID, message]));
        assert.equal(byID.get(asking.ID)?.hasSentReceipt, true);
        assert.equal(byID.get(plain.ID)?.hasSentReceipt, false, "a message that asked for nothing");
      } finally {
        await later.chat.logout();
      }

      // The sender's copy is unchanged by it; the sender hears of the receipt instead.
      await eventually(
        () => (kind === "C2C" ? asking.readReceiptInfo.isPeerRead === true : asking.readReceiptInfo.readCount === 1) || undefined,
        "the sender's receipt state",
      );
      assert.equal(asking.hasSentReceipt, false);
    } finally {
      await alice.chat.logout();
      await bob.chat.logout();
      await bobElsewhere.chat.logout();
    }
  });
}
