// Reconnecting: the connection drops again and again while messages flow both ways, and every
// message is received exactly once and every send settles once, as the Rust SDK promises
// (resume from the last position delivered, drop what is at or below it, resend what is safe).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { eventually, loggedIn, startServer, TencentCloudChat } from "./harness.mjs";

const { EVENT, TYPES } = TencentCloudChat;
let server;

before(async () => {
  server = await startServer();
  await server.importAccounts("alice", "bob");
});

after(async () => {
  await server?.stop();
});

function receivedIDs(events) {
  return events.of(EVENT.MESSAGE_RECEIVED).flatMap((event) => event.data.map((message) => message.ID));
}

test("drops during traffic lose nothing and deliver nothing twice, in both directions", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    const toBob = [];
    const toAlice = [];
    const sends = [];
    const total = 60;
    for (let index = 0; index < total; index++) {
      const fromAlice = alice.chat.createTextMessage({ to: "bob", conversationType: TYPES.CONV_C2C, payload: { text: `a${index}` } });
      toBob.push(fromAlice.ID);
      sends.push(alice.chat.sendMessage(fromAlice));
      // Bob sends too, while his own connection keeps dropping: his sends are resent after each
      // reconnection, and must be stored once.
      const fromBob = bob.chat.createTextMessage({ to: "alice", conversationType: TYPES.CONV_C2C, payload: { text: `b${index}` } });
      toAlice.push(fromBob.ID);
      sends.push(bob.chat.sendMessage(fromBob));
      if (index % 6 === 3) bob.chat.dropConnectionForTest();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const results = await Promise.all(sends);
    assert.ok(results.every((result) => result.code === 0 && result.data.message.status === "success"));

    await eventually(() => (new Set(receivedIDs(bob.events)).size >= total ? true : undefined), `bob to receive ${total} messages`, 20_000);
    await eventually(() => (new Set(receivedIDs(alice.events)).size >= total ? true : undefined), `alice to receive ${total} messages`, 20_000);
    // Give a late duplicate the chance to show itself.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const atBob = receivedIDs(bob.events);
    assert.deepEqual([...atBob].sort(), [...toBob].sort(), "bob received each of alice's messages exactly once");
    const atAlice = receivedIDs(alice.events);
    assert.deepEqual([...atAlice].sort(), [...toAlice].sort(), "alice received each of bob's messages exactly once");

    // The server stored each of bob's messages once, whatever the resends.
    const history = [];
    let next;
    for (;;) {
      const page = await alice.chat.getMessageList({ conversationID: "C2Cbob", nextReqMessageID: next });
      history.push(...page.data.messageList);
      if (page.data.isCompleted) break;
      next = page.data.nextReqMessageID;
    }
    const fromBob = history.filter((message) => message.from === "bob").map((message) => message.ID);
    assert.deepEqual([...fromBob].sort(), [...toAlice].sort());

    // The drops were announced as TIM's network states, and the instance stayed ready.
    const states = bob.events.of(EVENT.NET_STATE_CHANGE).map((event) => event.data.state);
    assert.ok(states.includes(TYPES.NET_STATE_CONNECTING), states.join(","));
    assert.equal(states.at(-1), TYPES.NET_STATE_CONNECTED);
    assert.equal(bob.chat.isReady(), true);
    assert.equal(bob.events.of(EVENT.SDK_READY).length, 1);
  } finally {
    await alice.chat.logout();
    await bob.chat.logout();
  }
});

test("a connection dropped while it is still opening reconnects, and a send made meanwhile is answered", async () => {
  // The reconnection's socket is dropped before it has opened. Node's WebSocket reports the
  // failure of a socket closed while connecting from inside close() itself, and again from a
  // close() made in that report: a client that closes on every error recursed until the stack
  // overflowed, and could be left with no socket and no reconnection.
  let onSocket = () => {};
  class Watched extends WebSocket {
    closes = 0;
    constructor(url) {
      super(url);
      onSocket(this);
    }
    close(...args) {
      this.closes += 1;
      super.close(...args);
    }
  }
  const bob = await loggedIn(server, "bob", { WebSocket: Watched, requestTimeout: 8_000 });
  try {
    const reopened = new Promise((resolve) => {
      onSocket = (socket) => {
        onSocket = () => {};
        // After the reconnection has taken the socket as its own, before any of it has opened.
        queueMicrotask(() => {
          const state = socket.readyState;
          bob.chat.dropConnectionForTest();
          resolve({ state, closes: socket.closes });
        });
      };
    });
    bob.chat.dropConnectionForTest();
    assert.deepEqual(await reopened, { state: WebSocket.CONNECTING, closes: 1 });
    const message = bob.chat.createTextMessage({ to: "alice", conversationType: TYPES.CONV_C2C, payload: { text: "still here" } });
    const sent = await bob.chat.sendMessage(message);
    assert.equal(sent.data.message.status, "success");
    await eventually(
      () => (bob.events.of(EVENT.NET_STATE_CHANGE).at(-1)?.data.state === TYPES.NET_STATE_CONNECTED ? true : undefined),
      "bob's instance to say it is connected again",
    );
  } finally {
    await bob.chat.logout();
  }
});

test("what happens while disconnected arrives after the resume, once, with the right unread count", async () => {
  const alice = await loggedIn(server, "alice");
  const bob = await loggedIn(server, "bob");
  try {
    await bob.chat.setMessageRead({ conversationID: "C2Calice" });
    // Bob's connection drops and stays down for a moment (the reconnection backs off) while
    // alice sends three messages and reads bob's side.
    bob.chat.dropConnectionForTest();
    const sent = [];
    for (const text of ["while", "you", "were away"]) {
      const message = alice.chat.createTextMessage({ to: "bob", conversationType: TYPES.CONV_C2C, payload: { text } });
      await alice.chat.sendMessage(message);
      sent.push(message.ID);
    }
    // A conversation list fetched while the last send was being stored may count it before it
    // can show it; the message's push completes the entry a moment later.
    const conv = await eventually(() => {
      const found = bob.events.of(EVENT.CONVERSATION_LIST_UPDATED).at(-1)?.data.find((it) => it.conversationID === "C2Calice");
      return found?.unreadCount === 3 && found.lastMessage.messageForShow === "were away" ? found : undefined;
    }, "bob's conversation to show 3 unread and the last message after the resume");
    assert.equal(conv.unreadCount, 3);
    const ids = receivedIDs(bob.events).filter((id) => sent.includes(id));
    assert.deepEqual(ids, sent, "in order, once each");
  } finally {
    await alice.chat.logout();
    await bob.chat.logout();
  }
});

test("the administrator ends the session: KICKED_OUT with TIM's type, SDK_NOT_READY, and no reconnection", async () => {
  const bob = await loggedIn(server, "bob");
  const kicked = bob.events.next(EVENT.KICKED_OUT);
  const notReady = bob.events.next(EVENT.SDK_NOT_READY);
  await server.rest("im_open_login_svc", "kick", { UserID: "bob" });
  assert.equal((await kicked).data.type, TYPES.KICKED_OUT_REST_API);
  await notReady;
  assert.equal(bob.chat.isReady(), false);
  assert.equal(bob.chat.getLoginUser(), "");
  const after = await bob.chat.getConversationList().catch((error) => error);
  assert.equal(after.code, 2024, "later calls say the user is not logged in");
  // Logging in again works.
  const ready = bob.events.next(EVENT.SDK_READY);
  await bob.chat.login({ userID: "bob", userSig: server.userSig("bob") });
  await ready;
  await bob.chat.logout();
});
