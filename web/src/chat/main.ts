// tincan's web chat client: sign in as a user, the conversation list with unread badges, one
// conversation at a time, sending with or without a read receipt request, and the receipt state
// of one's own messages, all updated live; a group's settings, and the contacts page (friends,
// friend requests, the blocklist). It is an app of TIM's Web SDK, the package
// tincan-chat (packages/tincan-chat): TIM's methods and events over tincan's protocol.

import "../shared/base.css";
import "./chat.css";

import { byId, field, h, hidden, replace, status } from "../shared/dom";
import { ContactsPage } from "./contacts";
import { ConversationView } from "./conversation";
import { GroupSettings } from "./group-settings";
import { ReadersDialog } from "./readers";
import {
  avatarOf,
  ChatError,
  type ChatSDK,
  chatErrorText,
  type Conversation,
  conversationName,
  EVENT,
  type Group,
  groupTypeName,
  type Message,
  messageText,
  splitConversationID,
  TencentCloudChat,
  TYPES,
} from "./types";

const STORAGE_KEY = "tincan.chat";

interface Credentials {
  sdkappid: number;
  identifier: string;
  userSig: string;
}

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
  const chat = TencentCloudChat.create({
    SDKAppID: credentials.sdkappid,
    tincanURL: `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`,
  });
  // The conversation list and the groups are loaded once SDK_READY comes.
  const ready = new Promise<void>((resolve) => chat.on(EVENT.SDK_READY, () => resolve()));
  try {
    await chat.login({ userID: credentials.identifier, userSig: credentials.userSig });
    await ready;
  } catch (error) {
    sessionStorage.removeItem(STORAGE_KEY);
    void chat.destroy();
    const text = error instanceof ChatError ? `Sign-in failed: ${error.message} (${error.code})` : `Sign-in failed: ${String(error)}`;
    if (statusLine) status(statusLine, text, "error");
    else showSignIn(credentials, text);
    return;
  }
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
  new ChatApp(chat, credentials).mount();
}

/** What a typing notice carries: the custom message TIM's UIKits send online-only while typing. */
const TYPING_BUSINESS_ID = "user_typing_status";
/** At most one typing notice per this long, and the indicator lasts a little longer. */
const TYPING_EVERY_MS = 3000;
const TYPING_SHOWN_MS = 5000;

function isTypingNotice(message: Message): boolean {
  if (message.type !== TYPES.MSG_CUSTOM) return false;
  try {
    return JSON.parse(String(message.payload?.data ?? "")).businessID === TYPING_BUSINESS_ID;
  } catch {
    return false;
  }
}

/** The SDK's codes for a request that the connection did not carry: lost, or not answered in time. */
const NOT_CONNECTED = new Set([2800, 2801, 9508]);

/** What a refused send means for the person who tried. */
function sendError(error: unknown, conversation: Conversation | undefined): string {
  if (!(error instanceof ChatError)) return String(error);
  const type = groupTypeName(conversation?.subType);
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
    default:
      if (NOT_CONNECTED.has(error.code)) return "Not connected; the message was not sent. Send again when the connection is back.";
      return `${error.message} (${error.code})`;
  }
}

/** Group types a user may create here, as TIM's Web SDK names them. */
const NEW_GROUP_TYPES: [string, string][] = [
  [TYPES.GRP_WORK, "Work (members invite each other)"],
  [TYPES.GRP_PUBLIC, "Public"],
  [TYPES.GRP_MEETING, "Meeting"],
  [TYPES.GRP_COMMUNITY, "Community"],
];

const ACCOUNTS_EXIST =
  "An account exists once it is imported (the console's Users and groups page, or `tincan account import`) or once its user first signs in.";

/** User IDs typed as a list: separated by commas or spaces, without repeats. */
function userIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** What a refused group creation or invitation means for the person who tried. */
function groupError(error: unknown): string {
  if (!(error instanceof ChatError)) return String(error);
  switch (error.code) {
    case 10019:
      return `${error.message}. ${ACCOUNTS_EXIST} (10019)`;
    case 10007:
      return `You may not invite people to this group: in Public, Meeting and Community groups only the owner and admins may. (10007)`;
    case 10021:
      return `That group ID is taken. (10021)`;
    default:
      return `${error.message} (${error.code})`;
  }
}

/** What the receipt marks of a conversation mean, for its legend. */
function legendEntries(convType: string, convId: string): HTMLElement[] {
  const entry = (term: string, meaning: string) => [h("dt", {}, term), h("dd", {}, meaning)];
  const theirs = entry(
    "Asks for a read receipt / ✓ Read receipt sent",
    "On messages that others sent with “Request read receipt”: your client sends the receipt once the message has been on your screen, and says so.",
  );
  if (convType === TYPES.CONV_GROUP) {
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
  /** The SDK's conversation list, newest first, as its last CONVERSATION_LIST_UPDATED gave it. */
  private conversations: Conversation[] = [];
  private open: ConversationView | null = null;
  private readonly readers: ReadersDialog;
  /**
   * The message being sent, kept while its send has not succeeded: sending the same text again
   * sends the same message, with the same ID, so the server stores it once (resend safety).
   */
  private draft: { text: string; conversationID: string; message: Message; tried: boolean } | null = null;
  /** Whether the connection has been lost since the last sign-in or resume. */
  private wasOffline = false;
  /** When this user last told the open conversation's peer it is typing. */
  private typingSentAt = 0;
  private typingTimer: number | undefined;
  private readonly typing = h("p", { class: "typing hint", role: "status", "aria-live": "polite" });
  private readonly attach = h("input", { type: "file", id: "attach-file", class: "visually-hidden" }) as HTMLInputElement;
  private readonly attachButton = h("label", { for: "attach-file", class: "button attach", title: "Send a picture or a file" }, "Attach");
  private readonly me = h("span", { class: "who" });
  private readonly profileNick = h("input", { type: "text", id: "profile-nick", maxlength: 100, autocomplete: "nickname" }) as HTMLInputElement;
  private readonly profileAvatar = h("input", { type: "text", id: "profile-avatar", autocomplete: "off", placeholder: "/media/… or data:image/png;base64,…" }) as HTMLInputElement;
  private readonly profileStatus = h("p", { class: "status", role: "status" });

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
  private readonly settingsButton = h("button", { type: "button", class: "settings-toggle", "aria-haspopup": "dialog", hidden: true }, "Settings");
  private readonly settings: GroupSettings;
  private readonly contacts: ContactsPage;
  private readonly chatsTab = h("button", { type: "button", class: "view-tab", "aria-current": "page" }, "Chats");
  private readonly contactsBadge = h("span", { class: "badge", hidden: true });
  private readonly contactsTab = h("button", { type: "button", class: "view-tab" }, "Contacts", this.contactsBadge);
  /** Group system notices in words: a request refused, a removal, a dismissal. */
  private readonly groupNotice = h("p", { class: "status group-notice", role: "status", "aria-live": "polite" });

  constructor(
    private readonly chat: ChatSDK,
    private readonly credentials: Credentials,
  ) {
    this.readers = new ReadersDialog(chat);
    this.settings = new GroupSettings(chat, credentials.identifier, {
      left: (groupID, sentence) => this.leftGroup(groupID, sentence),
      changed: (group) => this.showGroup(group),
    });
    this.contacts = new ContactsPage(chat, credentials.identifier, {
      openChat: (userID) => {
        this.showView("chats");
        void this.openConversation(TYPES.CONV_C2C, userID);
      },
      unreadChanged: (count) => {
        this.contactsBadge.hidden = count === 0;
        replace(this.contactsBadge, h("span", { "aria-hidden": "true" }, String(count)), hidden(`, ${count} new friend ${count === 1 ? "request" : "requests"}`));
      },
    });
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
      void this.openConversation(TYPES.CONV_C2C, id);
    });

    const back = h("button", { type: "button", class: "back", "aria-label": "Back to conversations" }, "← Back");
    back.addEventListener("click", () => this.showList());
    this.header.append(back, h("div", { class: "conv-heading" }, this.title, this.meta, this.legend), h("div", { class: "conv-tools" }, this.inviteToggle, this.settingsButton));
    this.settingsButton.addEventListener("click", () => {
      if (this.open?.convType === TYPES.CONV_GROUP) void this.settings.open(this.open.convId);
    });
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
      h("div", { class: "compose-row" }, receiptLabel, this.attach, this.attachButton, this.sendButton),
      this.sendStatus,
    );
    this.attach.addEventListener("change", () => void this.sendFile());
    this.text.addEventListener("input", () => void this.tellTyping());
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
      this.joinGroupForm(),
      this.groupNotice,
      this.convList,
    );
    const pane = h(
      "main",
      { class: "conversation", id: "main", "aria-labelledby": "conv-title" },
      this.header,
      this.invitePanel,
      this.empty,
      h("div", { class: "scroll-area" }, this.scroller, this.jump),
      this.typing,
      this.composer,
    );
    this.layout.append(nav, pane);
    const skip = h("a", { class: "skip-link", href: "#main" }, "Skip to the content");
    skip.addEventListener("click", (event) => {
      event.preventDefault();
      if (!this.contacts.element.hidden) this.contacts.show(true);
      else (this.composer.hidden ? this.title : this.text).focus();
    });
    this.chatsTab.addEventListener("click", () => this.showView("chats"));
    this.contactsTab.addEventListener("click", () => this.showView("contacts"));
    replace(
      root,
      skip,
      h(
        "header",
        { class: "topbar" },
        h("h1", {}, "tincan chat"),
        h("nav", { class: "views", "aria-label": "Pages" }, this.chatsTab, this.contactsTab),
        this.me,
        this.profileForm(),
        this.connection,
        signOut,
      ),
      this.layout,
      this.contacts.element,
    );
    this.scroller.hidden = true;
    void this.contacts.load();

    this.showMe(null);
    void this.chat
      .getMyProfile()
      .then((answer) => this.showMe(answer.data))
      .catch(() => {});
    this.listen();
    void this.chat.getConversationList().then((answer) => this.listChanged(answer.data.conversationList as Conversation[]));
  }

  /** TIM's events: the conversation list, messages, receipts, groups and the connection. */
  private listen(): void {
    const chat = this.chat;
    chat.on(EVENT.CONVERSATION_LIST_UPDATED, (event) => this.listChanged(event.data as Conversation[]));
    chat.on(EVENT.MESSAGE_RECEIVED, (event) => {
      for (const message of event.data as Message[]) {
        if (message.type === TYPES.MSG_GRP_SYS_NOTICE) {
          this.groupNoticeArrived(message);
          continue;
        }
        if (message.type === TYPES.MSG_GRP_TIP) this.settings.refresh(message.to);
        if (message.isOnlineMessage()) {
          if (isTypingNotice(message)) this.peerTyping(message);
          continue;
        }
        if (this.open?.conversationID === message.conversationID) {
          if (message.flow === "in") this.stopTyping();
          this.open.arrived(message);
        }
      }
    });
    chat.on(EVENT.MESSAGE_REVOKED, (event) => this.open?.changed(event.data as Message[]));
    chat.on(EVENT.PROFILE_UPDATED, (event) => {
      const mine = (event.data as { userID: string; nick: string; avatar: string }[]).find((profile) => profile.userID === this.credentials.identifier);
      if (mine) this.showMe(mine);
    });
    chat.on(EVENT.MESSAGE_READ_RECEIPT_RECEIVED, (event) => this.open?.applyReceipts(event.data));
    chat.on(EVENT.MESSAGE_READ_BY_PEER, (event) => this.open?.changed(event.data as Message[]));
    chat.on(EVENT.MESSAGE_MODIFIED, (event) => this.open?.changed(event.data as Message[]));
    chat.on(EVENT.GROUP_LIST_UPDATED, (event) => {
      const open = this.open;
      if (open?.convType !== TYPES.CONV_GROUP) return;
      const group = (event.data as Group[]).find((one) => one.groupID === open.convId);
      if (group) {
        this.showGroup(group);
        this.settings.refresh(group.groupID);
      }
    });
    chat.on(EVENT.NET_STATE_CHANGE, (event) => this.connectionChanged(String(event.data?.state)));
    chat.on(EVENT.KICKED_OUT, (event) => {
      sessionStorage.removeItem(STORAGE_KEY);
      this.open?.dispose();
      this.settings.dispose();
      void chat.destroy();
      showSignIn(this.credentials, `Signed out: ${String(event.data?.message ?? "the server ended the session")}`);
    });
  }

  private connectionChanged(state: string): void {
    const shown: Record<string, [string, string]> = {
      [TYPES.NET_STATE_CONNECTED]: ["online", "Online"],
      [TYPES.NET_STATE_CONNECTING]: ["offline", "Offline, reconnecting…"],
      [TYPES.NET_STATE_DISCONNECTED]: ["stopped", "Signed out"],
    };
    const [name, label] = shown[state] ?? ["connecting", "Connecting…"];
    this.connection.textContent = label;
    this.connection.dataset.state = name;
    if (state === TYPES.NET_STATE_CONNECTING) this.wasOffline = true;
    if (state === TYPES.NET_STATE_CONNECTED && this.wasOffline) {
      // Resumed: what was missed has come as events; the open conversation is read again too.
      this.wasOffline = false;
      void this.open?.refresh().catch(() => {});
    }
  }

  private async signOut(): Promise<void> {
    sessionStorage.removeItem(STORAGE_KEY);
    this.open?.dispose();
    this.settings.dispose();
    await this.chat.destroy();
    showSignIn(null, "");
  }

  private listChanged(conversations: Conversation[]): void {
    this.conversations = conversations;
    this.renderList();
    // A peer's nick may have become known since the conversation was opened.
    const open = this.open;
    const shown = open ? this.conversation(open.conversationID) : undefined;
    if (open?.convType === TYPES.CONV_C2C && shown) this.title.textContent = conversationName(shown);
  }

  private conversation(conversationID: string): Conversation | undefined {
    return this.conversations.find((conversation) => conversation.conversationID === conversationID);
  }

  private renderList(): void {
    const openID = this.open?.conversationID ?? "";
    let total = 0;
    const items = this.conversations.map((conversation) => {
      const { type, id } = splitConversationID(conversation.conversationID);
      const unread = conversation.unreadCount;
      total += unread;
      const last = conversation.lastMessage.lastSequence > 0 || conversation.lastMessage.type ? conversation.lastMessage : null;
      const isTip = last?.type === TYPES.MSG_GRP_TIP;
      const preview = !last ? "No messages yet" : isTip ? messageText(last) : `${last.fromAccount === this.credentials.identifier ? "You" : last.nick || last.fromAccount}: ${last.isRevoked ? "[revoked]" : messageText(last)}`;
      const kind = type === TYPES.CONV_GROUP ? `${groupTypeName(conversation.subType)} group` : "Direct";
      const picture = type === TYPES.CONV_GROUP ? conversation.groupProfile?.avatar : conversation.userProfile?.avatar;
      const button = h(
        "button",
        { type: "button", class: "conv", "aria-current": conversation.conversationID === openID ? "true" : null },
        h("span", { class: "conv-name" }, avatarOf(conversationName(conversation), picture), " ", conversationName(conversation)),
        h("span", { class: "conv-kind" }, kind),
        unread > 0 ? h("span", { class: "badge" }, h("span", { "aria-hidden": "true" }, String(unread)), hidden(`, ${unread} unread`)) : null,
        h("span", { class: "conv-preview" }, preview),
      );
      button.addEventListener("click", () => void this.openConversation(type, id));
      return h("li", {}, button);
    });
    if (items.length === 0) items.push(h("li", { class: "hint" }, "No conversations yet."));
    replace(this.convList, items);
    document.title = total > 0 ? `(${total}) tincan chat` : "tincan chat";
  }

  private async openConversation(convType: string, convId: string): Promise<void> {
    this.open?.dispose();
    const view = new ConversationView(this.chat, this.readers, convId, convType, {
      scroller: this.scroller,
      older: this.olderButton,
      list: this.messages,
      jump: this.jump,
    });
    this.open = view;
    const conversation = this.conversation(view.conversationID);
    this.title.textContent = conversation ? conversationName(conversation) : convId;
    this.meta.textContent = convType === TYPES.CONV_GROUP ? `${groupTypeName(conversation?.subType)} group` : "Direct chat";
    this.legend.open = false;
    replace(this.legendBody, legendEntries(convType, convId));
    this.inviteToggle.hidden = convType !== TYPES.CONV_GROUP;
    this.settingsButton.hidden = convType !== TYPES.CONV_GROUP;
    this.settingsButton.setAttribute("aria-label", `Settings of ${this.title.textContent}`);
    this.toggleInvite(false);
    this.empty.hidden = true;
    this.header.hidden = false;
    this.scroller.hidden = false;
    this.composer.hidden = false;
    this.draft = null;
    this.stopTyping();
    this.attachButton.hidden = false;
    status(this.sendStatus, "");
    this.layout.dataset.view = "conversation";
    this.renderList();
    try {
      await view.load();
    } catch (error) {
      if (this.open === view) status(this.sendStatus, `Could not load the messages: ${String(error)}`, "error");
    }
    if (convType === TYPES.CONV_GROUP && this.open === view) void this.describeGroup(convId);
    this.title.focus();
  }

  private async describeGroup(groupID: string): Promise<void> {
    try {
      const answer = await this.chat.getGroupProfile({ groupID });
      this.showGroup(answer.data.group);
    } catch {
      // The type alone is shown.
    }
  }

  /** The open group's name, type and member count, in its header. */
  private showGroup(group: Group): void {
    if (this.open?.convType !== TYPES.CONV_GROUP || this.open.convId !== group.groupID) return;
    const members = group.memberCount;
    // Receipt counts leave the sender out; the member count does not, and says so.
    const count = members === 1 ? "1 member, you" : `${members} members, you included`;
    this.meta.textContent = `${groupTypeName(group.type)} group · ${count}`;
    if (group.name) this.title.textContent = group.name;
    this.settingsButton.setAttribute("aria-label", `Settings of ${this.title.textContent}`);
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
        const answer = await this.chat.createGroup({
          name: name.value.trim(),
          type: type.value,
          memberList: ids.map((userID) => ({ userID })),
        });
        const groupID: string = answer.data.group.groupID;
        status(statusLine, `Created group ${name.value.trim()}.`, "ok");
        name.value = "";
        members.value = "";
        details.open = false;
        await this.openConversation(TYPES.CONV_GROUP, groupID);
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
    if (!view || view.convType !== TYPES.CONV_GROUP || ids.length === 0) return;
    status(this.inviteStatus, "Inviting…");
    try {
      const answer = await this.chat.addGroupMember({ groupID: view.convId, userIDList: ids });
      const { successUserIDList, existedUserIDList, failureUserIDList, group } = answer.data as {
        successUserIDList: string[];
        existedUserIDList: string[];
        failureUserIDList: string[];
        group: Group;
      };
      const sentences = (
        [
          [successUserIDList, "Added"],
          [existedUserIDList, "Already members"],
          [failureUserIDList, "Not added, no such account"],
        ] as [string[], string][]
      )
        .filter(([users]) => users.length > 0)
        .map(([users, what]) => `${what}: ${users.join(", ")}.`);
      const failed = failureUserIDList.length > 0;
      status(this.inviteStatus, `${sentences.join(" ")}${failed ? ` ${ACCOUNTS_EXIST}` : ""}`, failed ? "error" : "ok");
      if (!failed) this.inviteUsers.value = "";
      this.showGroup(group);
    } catch (error) {
      status(this.inviteStatus, `Nobody was added: ${groupError(error)}`, "error");
    }
  }

  /** "Join a group": TIM's joinGroup, which asks the admins when the group needs approval. */
  private joinGroupForm(): HTMLElement {
    const groupID = h("input", { type: "text", id: "join-group-id", required: true, autocomplete: "off" });
    const message = h("input", { type: "text", id: "join-group-message", autocomplete: "off", maxlength: 100 });
    const statusLine = h("p", { class: "status", role: "status" });
    const form = h(
      "form",
      { class: "new-group", "aria-label": "Join a group" },
      field("Group ID", groupID),
      field("Message to the admins", message, "Read by whoever approves requests, when the group needs approval."),
      h("button", { type: "submit", class: "primary" }, "Join"),
      statusLine,
    );
    const details = h("details", { class: "new-group-details" }, h("summary", {}, "Join a group"), form);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const id = groupID.value.trim();
      if (!id) return;
      status(statusLine, "Joining…");
      try {
        const answer = await this.chat.joinGroup({ groupID: id, applyMessage: message.value.trim() });
        const { status: joined, group } = answer.data as { status: string; group: Group };
        const name = group?.name || id;
        if (joined === TYPES.JOIN_STATUS_WAIT_APPROVAL) {
          status(statusLine, `Asked to join ${name}; its owner or an admin will answer.`, "ok");
          return;
        }
        status(statusLine, joined === TYPES.JOIN_STATUS_ALREADY_IN_GROUP ? `You are already in ${name}.` : `Joined ${name}.`, "ok");
        groupID.value = "";
        message.value = "";
        details.open = false;
        await this.openConversation(TYPES.CONV_GROUP, id);
      } catch (error) {
        status(statusLine, `Not joined: ${chatErrorText(error)}`, "error");
      }
    });
    return details;
  }

  /** A group system notice (TIM's MSG_GRP_SYS_NOTICE) in words; leaving the group if it is gone. */
  private groupNoticeArrived(message: Message): void {
    const payload = message.payload as { operationType: number; operatorID: string; groupProfile: Group };
    const group = payload.groupProfile;
    const name = group?.name || group?.groupID || "a group";
    switch (payload.operationType) {
      case 1:
        // Someone asks to join a group this user administers: its settings list the request.
        status(this.groupNotice, `${payload.operatorID} asks to join ${name}; answer in its settings.`);
        this.settings.refresh(group.groupID);
        break;
      case 3: {
        const refused = (groupName: string) => status(this.groupNotice, `${payload.operatorID || "An admin"} refused your request to join ${groupName}.`, "error");
        // The applicant is no member, so the notice may not know the group's name: it is looked up.
        if (group?.name || !group?.groupID) {
          refused(name);
        } else {
          void this.chat
            .searchGroupByID(group.groupID)
            .then((answer) => refused(answer.data.group.name || group.groupID))
            .catch(() => refused(group.groupID));
        }
        break;
      }
      case 4:
        this.leftGroup(group.groupID, `${payload.operatorID || "An admin"} removed you from ${name}.`);
        break;
      case 5:
        this.leftGroup(group.groupID, `${name} was dismissed${payload.operatorID ? ` by ${payload.operatorID}` : ""}.`);
        break;
      default:
        break;
    }
  }

  /** The user is no longer in a group: its settings close and, if it was open, so does it. */
  private leftGroup(groupID: string, sentence: string): void {
    status(this.groupNotice, sentence, "ok");
    if (this.settings.shown() === groupID) this.settings.close();
    const open = this.open;
    if (open?.convType !== TYPES.CONV_GROUP || open.convId !== groupID) return;
    open.dispose();
    this.open = null;
    this.header.hidden = true;
    this.scroller.hidden = true;
    this.composer.hidden = true;
    this.toggleInvite(false);
    this.stopTyping();
    this.empty.hidden = false;
    this.showList();
    this.renderList();
  }

  /** Shows the chats (conversations) or the contacts page. */
  private showView(view: "chats" | "contacts"): void {
    const contacts = view === "contacts";
    this.layout.hidden = contacts;
    this.chatsTab.setAttribute("aria-current", contacts ? "false" : "page");
    this.contactsTab.setAttribute("aria-current", contacts ? "page" : "false");
    this.contacts.show(contacts);
    if (!contacts) (this.open ? this.title : (this.convList.querySelector("button") as HTMLElement | null))?.focus();
  }

  private showList(): void {
    this.layout.dataset.view = "list";
    (this.convList.querySelector("button[aria-current]") as HTMLElement | null)?.focus();
  }

  private async send(): Promise<void> {
    const view = this.open;
    const text = this.text.value.trim();
    if (!view || !text) return;
    const needReadReceipt = this.needReceipt.checked;
    this.sendButton.disabled = true;
    status(this.sendStatus, "Sending…");
    try {
      let draft = this.draft;
      if (!draft || draft.text !== text || draft.conversationID !== view.conversationID) {
        const message = this.chat.createTextMessage({ to: view.convId, conversationType: view.convType, payload: { text }, needReadReceipt });
        draft = { text, conversationID: view.conversationID, message, tried: false };
        this.draft = draft;
      }
      // The same message, sent again, asks for a receipt as the box now says.
      draft.message.needReadReceipt = needReadReceipt;
      const again = draft.tried;
      draft.tried = true;
      const message = await view.send(draft.message, again);
      if (this.draft === draft) this.draft = null;
      this.text.value = "";
      status(this.sendStatus, message.needReadReceipt ? "Sent with a read receipt request." : "Sent.", "ok");
    } catch (error) {
      status(this.sendStatus, `Not sent: ${sendError(error, this.conversation(view.conversationID))}`, "error");
    } finally {
      this.sendButton.disabled = false;
      this.text.focus();
    }
  }

  /** The signed-in user in the top bar: avatar, nick and ID. */
  private showMe(profile: { nick: string; avatar: string } | null): void {
    const id = this.credentials.identifier;
    const nick = profile?.nick ?? "";
    replace(this.me, avatarOf(nick || id, profile?.avatar), " Signed in as ", h("strong", {}, nick || id), nick ? ` (${id})` : "");
    if (profile) {
      this.profileNick.value = nick;
      this.profileAvatar.value = profile.avatar;
    }
  }

  /** "Profile": the user's nick and avatar, changed with updateMyProfile. */
  private profileForm(): HTMLElement {
    const form = h(
      "form",
      { class: "profile-form", "aria-label": "Your profile" },
      field("Nickname", this.profileNick, "What others see instead of your user ID."),
      field("Avatar address", this.profileAvatar, "A picture on this server or a data: URL."),
      h("button", { type: "submit", class: "primary" }, "Save profile"),
      this.profileStatus,
    );
    const details = h("details", { class: "profile" }, h("summary", {}, "Profile"), form);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      status(this.profileStatus, "Saving…");
      try {
        const answer = await this.chat.updateMyProfile({ nick: this.profileNick.value.trim(), avatar: this.profileAvatar.value.trim() });
        this.showMe(answer.data);
        status(this.profileStatus, "Saved.", "ok");
        details.open = false;
      } catch (error) {
        status(this.profileStatus, `Not saved: ${error instanceof ChatError ? `${error.message} (${error.code})` : String(error)}`, "error");
      }
    });
    return details;
  }

  /** Tells the peer of the open one-to-one conversation that this user is typing (online only). */
  private async tellTyping(): Promise<void> {
    const view = this.open;
    if (!view || view.convType !== TYPES.CONV_C2C || this.text.value.trim() === "") return;
    const now = Date.now();
    if (now - this.typingSentAt < TYPING_EVERY_MS) return;
    this.typingSentAt = now;
    const notice = this.chat.createCustomMessage({
      to: view.convId,
      conversationType: TYPES.CONV_C2C,
      payload: { data: JSON.stringify({ businessID: TYPING_BUSINESS_ID, typingStatus: 1 }), description: "", extension: "" },
    });
    try {
      await this.chat.sendMessage(notice, { onlineUserOnly: true });
    } catch {
      // A typing notice that does not arrive is not worth telling anyone about.
    }
  }

  private peerTyping(message: Message): void {
    const view = this.open;
    if (!view || view.conversationID !== message.conversationID || message.flow !== "in") return;
    const name = message.nick || message.from;
    this.typing.textContent = `${name} is typing…`;
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => this.stopTyping(), TYPING_SHOWN_MS);
  }

  private stopTyping(): void {
    window.clearTimeout(this.typingTimer);
    this.typingTimer = undefined;
    this.typing.textContent = "";
  }

  /** Sends the file chosen with "Attach": a picture as an image message, anything else as a file. */
  private async sendFile(): Promise<void> {
    const view = this.open;
    const file = this.attach.files?.[0];
    this.attach.value = "";
    if (!view || !file) return;
    const isPicture = /^image\/(png|jpeg|gif|webp)$/.test(file.type);
    const options = {
      to: view.convId,
      conversationType: view.convType,
      payload: { file },
      needReadReceipt: this.needReceipt.checked,
      onProgress: (percent: number) => status(this.sendStatus, `Uploading ${file.name}: ${Math.round(percent * 100)}%`),
    };
    const message = isPicture ? this.chat.createImageMessage(options) : this.chat.createFileMessage(options);
    status(this.sendStatus, `Uploading ${file.name}…`);
    try {
      await view.send(message, false);
      status(this.sendStatus, `Sent ${file.name}.`, "ok");
    } catch (error) {
      status(this.sendStatus, `Not sent: ${sendError(error, this.conversation(view.conversationID))}`, "error");
    }
  }
}
