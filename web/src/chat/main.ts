// tincan's web chat client: sign in as a user, the conversation list with unread badges, one
// conversation at a time, sending with or without a read receipt request, and the receipt state
// of one's own messages, all updated live from the server's pushes.

import "../shared/base.css";
import "./chat.css";

import { byId, field, h, hidden, replace, status } from "../shared/dom";
import { ChatClient, type Credentials, ProtocolError, type Push } from "./client";
import { ConversationView } from "./conversation";
import { ReadersDialog } from "./readers";
import {
  C2C,
  type ConvState,
  type Conversation,
  convKey,
  GROUP,
  GROUP_TYPE_NAMES,
  type Message,
  type MessageReceipt,
  messageText,
} from "./types";

const STORAGE_KEY = "tincan.chat";

const root = byId("app");

start();

function start(): void {
  // A link from the console carries the credentials in the fragment, which never reaches a
  // server; take them and clean the address bar.
  const fromLink = credentialsFromFragment();
  if (fromLink) {
    history.replaceState(null, "", location.pathname);
    void signIn(fromLink, null);
    return;
  }
  const saved = sessionStorage.getItem(STORAGE_KEY);
  if (saved) {
    try {
      void signIn(JSON.parse(saved) as Credentials, null);
      return;
    } catch {
      sessionStorage.removeItem(STORAGE_KEY);
    }
  }
  showSignIn(null, "");
}

function credentialsFromFragment(): Credentials | null {
  const params = new URLSearchParams(location.hash.slice(1));
  const sdkappid = Number(params.get("sdkappid"));
  const identifier = params.get("user");
  const userSig = params.get("usersig");
  if (!sdkappid || !identifier || !userSig) return null;
  return { sdkappid, identifier, userSig };
}

function showSignIn(previous: Credentials | null, message: string): void {
  document.title = "Sign in · tincan chat";
  const sdkappid = h("input", { type: "text", inputmode: "numeric", id: "sdkappid", name: "sdkappid", required: true, autocomplete: "off", value: previous?.sdkappid ?? "" });
  const identifier = h("input", { type: "text", id: "identifier", name: "identifier", required: true, autocomplete: "username", value: previous?.identifier ?? "" });
  const userSig = h("input", { type: "password", id: "usersig", name: "usersig", required: true, autocomplete: "off" });
  const statusLine = h("p", { class: "status", role: "status" });
  const form = h(
    "form",
    { class: "signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Sign in to tincan chat"),
    h("p", { class: "hint" }, "Use a UserSig made for your user ID: from the console's Users page, or with ", h("code", {}, "tincan usersig --user ID"), "."),
    field("SDKAppID", sdkappid),
    field("User ID", identifier),
    field("UserSig", userSig),
    h("button", { type: "submit", class: "primary" }, "Sign in"),
    statusLine,
  );
  if (message) status(statusLine, message, "error");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const credentials = {
      sdkappid: Number(sdkappid.value.trim()),
      identifier: identifier.value.trim(),
      userSig: userSig.value.trim(),
    };
    if (!Number.isSafeInteger(credentials.sdkappid) || credentials.sdkappid <= 0) {
      status(statusLine, "The SDKAppID is a number.", "error");
      sdkappid.focus();
      return;
    }
    status(statusLine, "Signing in…");
    void signIn(credentials, statusLine);
  });
  replace(root, h("main", { id: "main" }, form));
  (previous ? userSig : sdkappid).focus();
}

async function signIn(credentials: Credentials, statusLine: HTMLElement | null): Promise<void> {
  const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`;
  const client = new ChatClient(url, credentials);
  try {
    await client.start();
  } catch (error) {
    sessionStorage.removeItem(STORAGE_KEY);
    const text = error instanceof ProtocolError ? `Sign-in failed: ${error.desc} (${error.code})` : `Sign-in failed: ${String(error)}`;
    if (statusLine) status(statusLine, text, "error");
    else showSignIn(credentials, text);
    return;
  }
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
  new ChatApp(client, credentials).mount();
}

/** Names a group type for people. */
function groupTypeName(type: number | null | undefined): string {
  return type === null || type === undefined ? "" : (GROUP_TYPE_NAMES[type] ?? `type ${type}`);
}

/** What a refused send means for the person who tried. */
function sendError(error: unknown, conversation: Conversation | undefined): string {
  if (!(error instanceof ProtocolError)) return String(error);
  const type = groupTypeName(conversation?.conv_group_type);
  switch (error.code) {
    case 65002:
      return `Read receipts are turned off for ${type} groups in this app (console: Feature configuration). Send without “Request read receipt”. (65002)`;
    case 65003:
      return "This group is larger than this app allows read receipts for. Send without “Request read receipt”. (65003)";
    case 7013:
      return "Read receipts need the Ultimate plan; this app is on another plan. (7013)";
    case 20003:
      return `There is no account with that user ID. ${ACCOUNTS_EXIST} (20003)`;
    case 10007:
      return "You are not a member of this group. (10007)";
    case 9508:
      return "Not connected; the message was not sent. Send again when the connection is back.";
    default:
      return `${error.desc} (${error.code})`;
  }
}

/** Group types a user may create here, by TIM's number. */
const NEW_GROUP_TYPES: [string, string][] = [
  ["1", "Work (members invite each other)"],
  ["0", "Public"],
  ["2", "Meeting"],
  ["5", "Community"],
];

const ACCOUNTS_EXIST =
  "An account exists once it is imported (the console's Users and groups page, or `tincan account import`) or once its user first signs in.";

/** User IDs typed as a list: separated by commas or spaces, without repeats. */
function userIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** What a refused group creation or invitation means for the person who tried. */
function groupError(error: unknown): string {
  if (!(error instanceof ProtocolError)) return String(error);
  switch (error.code) {
    case 10019:
      return `${error.desc}. ${ACCOUNTS_EXIST} (10019)`;
    case 10007:
      return `You may not invite people to this group: in Public, Meeting and Community groups only the owner and admins may. (10007)`;
    case 10021:
      return `That group ID is taken. (10021)`;
    default:
      return `${error.desc} (${error.code})`;
  }
}

/** What the receipt marks of a conversation mean, for its legend. */
function legendEntries(convType: number, convId: string): HTMLElement[] {
  const entry = (term: string, meaning: string) => [h("dt", {}, term), h("dd", {}, meaning)];
  const theirs = entry(
    "Asks for a read receipt / ✓ Read receipt sent",
    "On messages that others sent with “Request read receipt”: your client sends the receipt once the message has been on your screen, and says so.",
  );
  if (convType === GROUP) {
    return [
      ...entry(
        "Read by N of M recipients",
        "On your messages that asked for receipts. M counts the members who received it: the group's members when it was sent, less you, the sender, and anyone who has left since. Click it for who has and has not read it.",
      ),
      ...theirs,
    ];
  }
  return [
    ...entry(
      "✓ Sent / ✓ Sent, receipt requested",
      `On the server; ${convId} has not opened the conversation since (or, for a message that asked for a read receipt, has not sent it yet).`,
    ),
    ...entry("✓✓ Seen", `${convId} opened the conversation after it arrived. Every message gets this mark; it needs no receipt request.`),
    ...entry("✓✓ Read", `${convId}'s client sent the read receipt the message asked for (“Request read receipt”).`),
    ...theirs,
  ];
}

class ChatApp {
  private readonly conversations = new Map<string, Conversation>();
  /** Whether a list load is on its way; one at a time, so answers arrive in order. */
  private loading = false;
  /** Whether another load was asked for while one was on its way. */
  private reloadWanted = false;
  /** Conversations that pushes changed since the current list load was asked for. */
  private readonly touched = new Set<string>();
  private open: ConversationView | null = null;
  private readonly readers: ReadersDialog;
  /** Identity of the message being sent, kept for resends of the same text (resend safety). */
  private draft: { text: string; clientTime: number; rand: number } | null = null;

  private readonly connection = h("span", { class: "connection", role: "status" }, "Online");
  private readonly convList = h("ul", { class: "conv-list" });
  private readonly layout = h("div", { class: "layout", "data-view": "list" });
  private readonly title = h("h2", { id: "conv-title", tabindex: "-1" }, "");
  private readonly meta = h("p", { class: "hint conv-meta" });
  private readonly scroller = h("div", { class: "scroller", tabindex: "0", "aria-label": "Messages" });
  private readonly olderButton = h("button", { type: "button", class: "older", hidden: true }, "Load older messages");
  private readonly messages = h("ol", { class: "messages", "aria-live": "polite", "aria-relevant": "additions" });
  private readonly jump = h("button", { type: "button", class: "jump", hidden: true }, "New messages ↓");
  private readonly text = h("textarea", { id: "compose-text", rows: 2, placeholder: "Write a message", "aria-label": "Message" });
  private readonly needReceipt = h("input", { type: "checkbox", id: "need-receipt" });
  private readonly sendButton = h("button", { type: "submit", class: "primary" }, "Send");
  private readonly sendStatus = h("p", { class: "status send-status", role: "status" });
  private readonly composer = h("form", { class: "composer", hidden: true });
  private readonly empty = h("p", { class: "empty hint" }, "Choose a conversation, start one with a user ID, or make a group.");
  private readonly header = h("div", { class: "conv-header", hidden: true });
  private readonly legendBody = h("dl", { class: "legend-body" });
  private readonly legend = h("details", { class: "legend" }, h("summary", {}, "What the receipt marks mean"), this.legendBody);
  private readonly inviteToggle = h("button", { type: "button", class: "invite-toggle", "aria-expanded": "false", "aria-controls": "invite-panel", hidden: true }, "Invite");
  private readonly inviteUsers = h("input", { type: "text", id: "invite-users", autocomplete: "off", placeholder: "carol, dave", required: true });
  private readonly inviteStatus = h("p", { class: "status", role: "status" });
  private readonly invitePanel = h("form", { class: "invite-panel", id: "invite-panel", "aria-label": "Invite people", hidden: true });

  constructor(
    private readonly client: ChatClient,
    private readonly credentials: Credentials,
  ) {
    this.readers = new ReadersDialog(client);
  }

  mount(): void {
    document.title = "tincan chat";
    const signOut = h("button", { type: "button" }, "Sign out");
    signOut.addEventListener("click", () => void this.signOut());

    const peer = h("input", { type: "text", id: "new-peer", required: true, autocomplete: "off", placeholder: "User ID" });
    const newChat = h(
      "form",
      { class: "new-chat" },
      h("label", { for: "new-peer" }, "Chat with a user"),
      h("div", { class: "row" }, peer, h("button", { type: "submit" }, "Open")),
    );
    newChat.addEventListener("submit", (event) => {
      event.preventDefault();
      const id = peer.value.trim();
      if (!id || id === this.credentials.identifier) return;
      peer.value = "";
      void this.openConversation(C2C, id);
    });

    const back = h("button", { type: "button", class: "back", "aria-label": "Back to conversations" }, "← Back");
    back.addEventListener("click", () => this.showList());
    this.header.append(back, h("div", { class: "conv-heading" }, this.title, this.meta, this.legend), this.inviteToggle);
    this.inviteToggle.addEventListener("click", () => this.toggleInvite());
    this.invitePanel.append(
      field("User IDs to invite, separated by commas", this.inviteUsers),
      h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, "Invite"), h("button", { type: "button", onclick: () => this.toggleInvite(false) }, "Cancel")),
      this.inviteStatus,
    );
    this.invitePanel.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.invite();
    });

    this.olderButton.addEventListener("click", () => void this.open?.loadOlder());
    this.jump.addEventListener("click", () => this.open?.scrollToEnd());
    this.scroller.append(this.olderButton, this.messages);

    const receiptLabel = h("label", { class: "check", for: "need-receipt" }, this.needReceipt, " Request read receipt");
    this.composer.append(
      this.text,
      h("div", { class: "compose-row" }, receiptLabel, this.sendButton),
      this.sendStatus,
    );
    this.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.send();
    });
    this.text.addEventListener("keydown", (event) => {
      // Enter sends; Shift+Enter starts a new line.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void this.send();
      }
    });

    const nav = h(
      "nav",
      { class: "conversations", "aria-label": "Conversations" },
      h("h2", {}, "Conversations"),
      newChat,
      this.newGroupForm(),
      this.convList,
    );
    const pane = h(
      "main",
      { class: "conversation", id: "main", "aria-labelledby": "conv-title" },
      this.header,
      this.invitePanel,
      this.empty,
      h("div", { class: "scroll-area" }, this.scroller, this.jump),
      this.composer,
    );
    this.layout.append(nav, pane);
    const skip = h("a", { class: "skip-link", href: "#main" }, "Skip to the conversation");
    skip.addEventListener("click", (event) => {
      event.preventDefault();
      (this.composer.hidden ? this.title : this.text).focus();
    });
    replace(
      root,
      skip,
      h(
        "header",
        { class: "topbar" },
        h("h1", {}, "tincan chat"),
        h("span", { class: "who" }, "Signed in as ", h("strong", {}, this.credentials.identifier)),
        this.connection,
        signOut,
      ),
      this.layout,
    );
    this.scroller.hidden = true;

    this.client.onPush = (push) => this.pushed(push);
    this.client.onState = (state, detail) => this.connectionChanged(state, detail);
    void this.loadConversations();
  }

  private connectionChanged(state: string, detail: string): void {
    const labels: Record<string, string> = {
      connecting: "Connecting…",
      online: "Online",
      offline: "Offline, reconnecting…",
      stopped: "Signed out",
    };
    this.connection.textContent = labels[state] ?? state;
    this.connection.dataset.state = state;
    if (state === "stopped" && detail && detail !== "signed out") {
      sessionStorage.removeItem(STORAGE_KEY);
      showSignIn(this.credentials, `Signed out: ${detail}`);
    }
  }

  private async signOut(): Promise<void> {
    sessionStorage.removeItem(STORAGE_KEY);
    this.open?.dispose();
    await this.client.stop();
    showSignIn(null, "");
  }

  /**
   * Loads the conversation list. One load runs at a time; a load asked for meanwhile runs once
   * after it. The answer can be older than pushes that arrived while it was on its way: a
   * conversation a push changed meanwhile keeps the pushed last message and unread count unless
   * the list has a later last message (its push is then on its way).
   */
  private async loadConversations(): Promise<void> {
    if (this.loading) {
      this.reloadWanted = true;
      return;
    }
    this.loading = true;
    this.touched.clear();
    try {
      const answer = await this.client.request<{ conversations: Conversation[] }>("conv_get_list");
      const pushed = new Map([...this.touched].map((key) => [key, this.conversations.get(key)] as const));
      this.conversations.clear();
      for (const conversation of answer.conversations) {
        this.conversations.set(convKey(conversation.conv_type, conversation.conv_id), conversation);
      }
      for (const [key, mine] of pushed) {
        const listed = this.conversations.get(key);
        // A conversation the list no longer has was removed (the user left the group).
        if (!mine || !listed) continue;
        if ((mine.conv_last_msg?.message_seq ?? 0) >= (listed.conv_last_msg?.message_seq ?? 0)) {
          this.conversations.set(key, {
            ...listed,
            conv_last_msg: mine.conv_last_msg,
            conv_is_has_lastmsg: mine.conv_is_has_lastmsg,
            conv_active_time: Math.max(listed.conv_active_time, mine.conv_active_time),
            conv_unread_num: mine.conv_unread_num,
          });
        }
      }
      this.renderList();
    } catch {
      // A reconnect brings a `synced` push, which loads the list again.
    } finally {
      this.touched.clear();
      this.loading = false;
      if (this.reloadWanted) {
        this.reloadWanted = false;
        void this.loadConversations();
      }
    }
  }

  private renderList(): void {
    const sorted = [...this.conversations.values()].sort((a, b) => b.conv_active_time - a.conv_active_time);
    const openKey = this.open ? convKey(this.open.convType, this.open.convId) : "";
    let total = 0;
    const items = sorted.map((conversation) => {
      const key = convKey(conversation.conv_type, conversation.conv_id);
      const unread = conversation.conv_unread_num;
      total += unread;
      const last = conversation.conv_last_msg;
      const isTip = last?.message_elem_array.some((elem) => elem.elem_type === 5) ?? false;
      const preview = !last ? "No messages yet" : isTip ? messageText(last) : `${last.message_is_from_self ? "You" : last.message_sender}: ${messageText(last)}`;
      const kind = conversation.conv_type === GROUP ? `${groupTypeName(conversation.conv_group_type)} group` : "Direct";
      const button = h(
        "button",
        { type: "button", class: "conv", "aria-current": key === openKey ? "true" : null },
        h("span", { class: "conv-name" }, conversation.conv_show_name || conversation.conv_id),
        h("span", { class: "conv-kind" }, kind),
        unread > 0 ? h("span", { class: "badge" }, h("span", { "aria-hidden": "true" }, String(unread)), hidden(`, ${unread} unread`)) : null,
        h("span", { class: "conv-preview" }, preview),
      );
      button.addEventListener("click", () => void this.openConversation(conversation.conv_type, conversation.conv_id));
      return h("li", {}, button);
    });
    if (items.length === 0) items.push(h("li", { class: "hint" }, "No conversations yet."));
    replace(this.convList, items);
    document.title = total > 0 ? `(${total}) tincan chat` : "tincan chat";
  }

  private async openConversation(convType: number, convId: string): Promise<void> {
    this.open?.dispose();
    const view = new ConversationView(this.client, this.readers, convId, convType, {
      scroller: this.scroller,
      older: this.olderButton,
      list: this.messages,
      jump: this.jump,
    });
    this.open = view;
    const conversation = this.conversations.get(convKey(convType, convId));
    this.title.textContent = conversation?.conv_show_name || convId;
    this.meta.textContent = convType === GROUP ? `${groupTypeName(conversation?.conv_group_type)} group` : "Direct chat";
    this.legend.open = false;
    replace(this.legendBody, legendEntries(convType, convId));
    this.inviteToggle.hidden = convType !== GROUP;
    this.toggleInvite(false);
    this.empty.hidden = true;
    this.header.hidden = false;
    this.scroller.hidden = false;
    this.composer.hidden = false;
    this.draft = null;
    status(this.sendStatus, "");
    this.layout.dataset.view = "conversation";
    this.renderList();
    try {
      await view.load();
    } catch (error) {
      if (this.open === view) status(this.sendStatus, `Could not load the messages: ${String(error)}`, "error");
    }
    if (convType === GROUP && this.open === view) void this.describeGroup(convId);
    this.title.focus();
  }

  private async describeGroup(groupId: string): Promise<void> {
    try {
      const answer = await this.client.request<{
        results: { get_groups_info_result_info: { group_detail_info_member_num: number; group_detail_info_group_type: number; group_detail_info_group_name: string } | null }[];
      }>(
        "group_get_info",
        { group_ids: [groupId] },
      );
      const info = answer.results[0]?.get_groups_info_result_info;
      if (info && this.open?.convId === groupId) {
        const members = info.group_detail_info_member_num;
        // Receipt counts leave the sender out; the member count does not, and says so.
        const count = members === 1 ? "1 member, you" : `${members} members, you included`;
        this.meta.textContent = `${groupTypeName(info.group_detail_info_group_type)} group · ${count}`;
        if (info.group_detail_info_group_name) this.title.textContent = info.group_detail_info_group_name;
      }
    } catch {
      // The type alone is shown.
    }
  }

  /** The "New group" form in the conversation list: a name, a type and the first members. */
  private newGroupForm(): HTMLElement {
    const name = h("input", { type: "text", id: "new-group-name", required: true, maxlength: 100, autocomplete: "off" });
    const type = h(
      "select",
      { id: "new-group-type" },
      NEW_GROUP_TYPES.map(([value, label]) => h("option", { value }, label)),
    );
    const members = h("input", { type: "text", id: "new-group-members", autocomplete: "off", placeholder: "bob, carol" });
    const statusLine = h("p", { class: "status", role: "status" });
    const form = h(
      "form",
      { class: "new-group", "aria-label": "New group" },
      field("Name", name),
      field("Type", type),
      field("Members, separated by commas", members, "You are its owner. Each member needs an account."),
      h("button", { type: "submit", class: "primary" }, "Create group"),
      statusLine,
    );
    const details = h("details", { class: "new-group-details" }, h("summary", {}, "New group"), form);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const ids = userIds(members.value).filter((id) => id !== this.credentials.identifier);
      status(statusLine, "Creating…");
      try {
        const answer = await this.client.request<{ create_group_result_groupid: string }>("group_create", {
          create_group_param_group_name: name.value.trim(),
          create_group_param_group_type: Number(type.value),
          create_group_param_group_member_array: ids.map((id) => ({ group_member_info_identifier: id, group_member_info_member_role: 200 })),
        });
        const groupId = answer.create_group_result_groupid;
        status(statusLine, `Created group ${name.value.trim()}.`, "ok");
        name.value = "";
        members.value = "";
        details.open = false;
        await this.loadConversations();
        await this.openConversation(GROUP, groupId);
      } catch (error) {
        status(statusLine, `Not created: ${groupError(error)}`, "error");
      }
    });
    return details;
  }

  /** Shows or hides the invitation form of the open group. */
  private toggleInvite(show = this.invitePanel.hidden): void {
    this.invitePanel.hidden = !show;
    this.inviteToggle.setAttribute("aria-expanded", String(show));
    status(this.inviteStatus, "");
    if (show) this.inviteUsers.focus();
  }

  /** Invites the users typed into the open group and says what became of each. */
  private async invite(): Promise<void> {
    const view = this.open;
    const ids = userIds(this.inviteUsers.value);
    if (!view || view.convType !== GROUP || ids.length === 0) return;
    status(this.inviteStatus, "Inviting…");
    try {
      const answer = await this.client.request<{ results: { group_invite_member_result_identifier: string; group_invite_member_result_result: number }[] }>(
        "group_invite_member",
        { group_invite_member_param_group_id: view.convId, group_invite_member_param_identifier_array: ids, group_invite_member_param_user_data: "" },
      );
      const who = (outcome: number) =>
        answer.results.filter((result) => result.group_invite_member_result_result === outcome).map((result) => result.group_invite_member_result_identifier);
      const sentences = [
        [who(1), "Added"],
        [who(2), "Already members"],
        [who(3), "Invited, waiting for approval"],
        [who(0), "Not added, no such account"],
      ]
        .filter(([users]) => users.length > 0)
        .map(([users, what]) => `${what}: ${(users as string[]).join(", ")}.`);
      const failed = who(0).length > 0;
      status(this.inviteStatus, `${sentences.join(" ")}${failed ? ` ${ACCOUNTS_EXIST}` : ""}`, failed ? "error" : "ok");
      if (!failed) this.inviteUsers.value = "";
      void this.describeGroup(view.convId);
    } catch (error) {
      status(this.inviteStatus, `Nobody was added: ${groupError(error)}`, "error");
    }
  }

  private showList(): void {
    this.layout.dataset.view = "list";
    (this.convList.querySelector("button[aria-current]") as HTMLElement | null)?.focus();
  }

  private async send(): Promise<void> {
    const view = this.open;
    const text = this.text.value.trim();
    if (!view || !text) return;
    if (!this.draft || this.draft.text !== text) {
      this.draft = { text, clientTime: Math.floor(Date.now() / 1000), rand: 1 + Math.floor(Math.random() * 0x7fff_fffe) };
    }
    this.sendButton.disabled = true;
    status(this.sendStatus, "Sending…");
    try {
      const message = await view.send(text, this.needReceipt.checked, this.draft);
      this.draft = null;
      this.text.value = "";
      status(this.sendStatus, message.message_need_read_receipt ? "Sent with a read receipt request." : "Sent.", "ok");
      this.noteMessage(message, null);
    } catch (error) {
      const conversation = this.conversations.get(convKey(view.convType, view.convId));
      status(this.sendStatus, `Not sent: ${sendError(error, conversation)}`, "error");
    } finally {
      this.sendButton.disabled = false;
      this.text.focus();
    }
  }

  /** Updates the list entry of a message's conversation. */
  private noteMessage(message: Message, state: ConvState | null): void {
    const key = convKey(message.message_conv_type, message.message_conv_id);
    const conversation = this.conversations.get(key);
    if (!conversation) {
      void this.loadConversations();
      return;
    }
    conversation.conv_last_msg = message;
    conversation.conv_is_has_lastmsg = true;
    conversation.conv_active_time = Math.max(conversation.conv_active_time, message.message_server_time);
    if (state) conversation.conv_unread_num = state.unread;
    this.touched.add(key);
    this.renderList();
  }

  private isOpen(convType: number, convId: string): boolean {
    return this.open !== null && this.open.convType === convType && this.open.convId === convId;
  }

  private pushed(push: Push): void {
    switch (push.push) {
      case "message": {
        const message = push.data.message as Message;
        if (this.isOpen(message.message_conv_type, message.message_conv_id)) this.open?.arrived(message);
        this.noteMessage(message, push.data.conv as ConvState);
        break;
      }
      case "receipt":
        this.open?.applyReceipts(push.data.receipts as MessageReceipt[]);
        break;
      case "receipt_sent":
        if (this.isOpen(push.data.conv_type, push.data.conv_id)) this.open?.applyReceiptsSent(push.data.seqs as number[]);
        break;
      case "conv_read": {
        const key = convKey(push.data.conv_type, push.data.conv_id);
        const conversation = this.conversations.get(key);
        if (conversation) {
          conversation.conv_unread_num = (push.data.conv as ConvState).unread;
          this.touched.add(key);
          this.renderList();
        }
        break;
      }
      case "group":
        void this.loadConversations();
        if (this.open?.convType === GROUP && this.open.convId === push.data.group_id) void this.describeGroup(push.data.group_id);
        break;
      case "synced":
        void this.loadConversations();
        void this.open?.refresh().catch(() => {});
        break;
      default:
        break;
    }
  }
}
