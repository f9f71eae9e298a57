// One open conversation: its messages (history pages and live ones), the receipt state of the
// user's own messages, and the reader's side of receipts: a message that asked for a receipt is
// acknowledged once it has been on screen, and the conversation is marked read once its newest
// message has been. Everything goes through TIM's Web SDK (the package tincan-chat).

import { clock, h, hidden, replace, status } from "../shared/dom";
import type { ReadersDialog } from "./readers";
import { avatarOf, ChatError, type ChatSDK, fileSize, type Message, messageText, TYPES } from "./types";

const HISTORY_PAGE = 30;
/** How long to gather messages seen on screen before acknowledging them in one call. */
const RECEIPT_BATCH_MS = 200;
/** Most messages per sendMessageReadReceipt (msg_send_receipts' limit, docs/protocol.md). */
const RECEIPTS_PER_CALL_MAX = 100;
/** Within this many pixels of the bottom, the view follows new messages. */
const FOLLOW_SLACK_PX = 48;

interface Entry {
  message: Message;
  item: HTMLLIElement;
  /**
   * Where the receipt state is shown: of one's own message (sent, seen, read), or of another's
   * that asks for a receipt (asked, sent).
   */
  receipt: HTMLElement | null;
  /** The message's content: its text, picture or file, or that it was revoked. */
  body: HTMLElement | null;
  /** Edit and Revoke, on one's own messages. */
  actions: HTMLElement | null;
  /** Who sent it: the sender's nick (or ID) and avatar as they are now. */
  sender: HTMLElement | null;
  /** The body is an editor now: news about the message waits until it is saved or cancelled. */
  editing?: boolean;
}

export interface ConversationElements {
  scroller: HTMLElement;
  older: HTMLButtonElement;
  list: HTMLOListElement;
  jump: HTMLButtonElement;
}

/** The states of one's own one-to-one message, in words, with what each means. */
const C2C_MARKS = {
  sent: { ticks: "✓", label: "Sent", explain: (peer: string) => `Sent. ${peer} has not opened the conversation since.` },
  asked: {
    ticks: "✓",
    label: "Sent, receipt requested",
    explain: (peer: string) => `Sent with a read receipt request. ${peer} has not read it yet.`,
  },
  seen: {
    ticks: "✓✓",
    label: "Seen",
    explain: (peer: string) => `Seen: ${peer} opened the conversation after it arrived. It did not ask for a read receipt.`,
  },
  seenAsked: {
    ticks: "✓✓",
    label: "Seen",
    explain: (peer: string) => `Seen: ${peer} opened the conversation, but has not sent the read receipt it asked for.`,
  },
  read: { ticks: "✓✓", label: "Read", explain: (peer: string) => `Read: ${peer} sent the read receipt this message asked for.` },
};

/**
 * One's own one-to-one message: one tick and "Sent", or two and "Seen" (`isPeerRead`: the peer
 * read the conversation past it) or "Read" (`readReceiptInfo.isPeerRead`: the peer sent the
 * receipt it asked for).
 */
function c2cMark(message: Message): HTMLElement {
  const peer = message.to;
  const asked = message.needReadReceipt;
  const state =
    asked && message.readReceiptInfo.isPeerRead === true
      ? "read"
      : message.isPeerRead
        ? asked
          ? "seenAsked"
          : "seen"
        : asked
          ? "asked"
          : "sent";
  const mark = C2C_MARKS[state];
  return h(
    "span",
    { class: `ticks ${state}`, title: mark.explain(peer), "data-state": state },
    h("span", { class: "glyphs", "aria-hidden": "true" }, mark.ticks),
    " ",
    h("span", { class: "label" }, mark.label),
    hidden(`. ${mark.explain(peer)}`),
  );
}

/** Another's message that asks for a read receipt: whether this user's client has sent it. */
function askedMark(message: Message): HTMLElement {
  if (message.hasSentReceipt) {
    return h(
      "span",
      { class: "asked sent", title: `Your client told ${message.from} you read this message, as it asked.` },
      h("span", { "aria-hidden": "true" }, "✓ "),
      "Read receipt sent",
    );
  }
  return h(
    "span",
    { class: "asked", title: "A read receipt goes to the sender once this message has been on your screen." },
    "Asks for a read receipt",
  );
}

export class ConversationView {
  /** The messages shown, by sequence. */
  private readonly entries = new Map<number, Entry>();
  /** The same, by message ID. */
  private readonly byID = new Map<string, Entry>();
  private readonly observer: IntersectionObserver;
  /** Messages on screen now, by seq. */
  private readonly inView = new Set<number>();
  /** Messages seen that still need a receipt, by seq. */
  private readonly toAcknowledge = new Map<number, Message>();
  private flushTimer: number | undefined;
  /** Whether a setMessageRead is on its way. */
  private marking = false;
  private hasOlder = true;
  private disposed = false;
  /** Whether the view is at the end and should stay there when its size changes. */
  private pinned = true;
  private readonly resizes: ResizeObserver;
  private readonly onVisibility = () => this.flushSoon();
  private readonly onScroll = () => {
    this.pinned = this.atBottom();
    if (this.pinned) this.elements.jump.hidden = true;
  };

  /** TIM's conversation ID: `C2C<user>` or `GROUP<group>`. */
  readonly conversationID: string;

  constructor(
    private readonly chat: ChatSDK,
    private readonly readers: ReadersDialog,
    readonly convId: string,
    readonly convType: string,
    private readonly elements: ConversationElements,
  ) {
    this.conversationID = `${convType}${convId}`;
    replace(elements.list);
    elements.jump.hidden = true;
    elements.older.hidden = true;
    this.observer = new IntersectionObserver((changes) => this.seen(changes), {
      root: elements.scroller,
      threshold: [0, 0.5, 1],
    });
    // The composer's status line or a narrower window changes the view's height; one who was
    // at the end stays there.
    this.resizes = new ResizeObserver(() => {
      if (this.pinned) this.scrollToEnd();
    });
    this.resizes.observe(elements.scroller);
    document.addEventListener("visibilitychange", this.onVisibility);
    elements.scroller.addEventListener("scroll", this.onScroll);
  }

  /** Loads the newest page of history and shows the end of the conversation. */
  async load(): Promise<void> {
    const page = await this.history(null);
    this.quietly(() => {
      for (const message of page) this.add(message);
    });
    this.scrollToEnd();
  }

  /** Loads the page before the oldest message shown, keeping the view where it was. */
  async loadOlder(): Promise<void> {
    const oldest = Math.min(...this.entries.keys());
    const anchor = this.entries.get(oldest)?.message ?? null;
    const scroller = this.elements.scroller;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    const page = await this.history(anchor);
    this.quietly(() => {
      for (const message of page) this.add(message);
    });
    scroller.scrollTop = scroller.scrollHeight - fromBottom;
  }

  /** Reloads after a reconnect: the newest page again, merged with what is shown. */
  async refresh(): Promise<void> {
    const follow = this.atBottom();
    const page = await this.history(null);
    this.quietly(() => {
      for (const message of page) this.add(message);
    });
    if (follow) this.scrollToEnd();
  }

  /** A message that arrived live (MESSAGE_RECEIVED, or one's own send). */
  arrived(message: Message): void {
    const follow = message.flow === "out" || this.atBottom();
    const isNew = !this.entries.has(message.sequence);
    this.add(message);
    if (follow) {
      this.scrollToEnd();
    } else if (isNew) {
      this.elements.jump.hidden = false;
    }
  }

  /**
   * Sends a message made by `createTextMessage` for this conversation, or sends again one that
   * failed (same ID, so the server stores it once); resolves with it, stored, or rejects with
   * the SDK's error.
   */
  async send(message: Message, again: boolean): Promise<Message> {
    const answer = again ? await this.chat.resendMessage(message) : await this.chat.sendMessage(message);
    this.arrived(answer.data.message);
    return answer.data.message;
  }

  /**
   * New receipt state for the user's own messages (MESSAGE_READ_RECEIPT_RECEIVED): a group
   * message's counts, or a one-to-one message's receipt.
   */
  applyReceipts(receipts: { messageID: string; groupID?: string; readCount?: number; unreadCount?: number; isPeerRead?: boolean }[]): void {
    for (const receipt of receipts) {
      const entry = this.byID.get(receipt.messageID);
      if (!entry) continue;
      const info = entry.message.readReceiptInfo;
      if (this.convType === TYPES.CONV_GROUP) {
        if (typeof receipt.readCount === "number") info.readCount = receipt.readCount;
        if (typeof receipt.unreadCount === "number") info.unreadCount = receipt.unreadCount;
      } else if (receipt.isPeerRead) {
        info.isPeerRead = true;
      }
      this.renderReceipt(entry);
      if (this.readers.shown()?.ID === entry.message.ID) this.readers.open(entry.message);
    }
  }

  /**
   * Messages whose state the SDK changed (MESSAGE_READ_BY_PEER, MESSAGE_MODIFIED,
   * MESSAGE_REVOKED): shown anew.
   */
  changed(messages: Message[]): void {
    for (const message of messages) {
      const entry = this.byID.get(message.ID);
      if (!entry) continue;
      if (entry.message !== message) Object.assign(entry.message, message);
      this.renderContent(entry);
      if (entry.message.hasSentReceipt) {
        // Acknowledged, here or on another device: nothing left to send for it.
        this.toAcknowledge.delete(entry.message.sequence);
        this.observer.unobserve(entry.item);
      }
      this.renderReceipt(entry);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.observer.disconnect();
    this.resizes.disconnect();
    window.clearTimeout(this.flushTimer);
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.elements.scroller.removeEventListener("scroll", this.onScroll);
  }

  scrollToEnd(): void {
    const scroller = this.elements.scroller;
    scroller.scrollTop = scroller.scrollHeight;
    this.pinned = true;
    this.elements.jump.hidden = true;
  }

  /** A page of history, oldest first: the newest page, or the one before `anchor`. */
  private async history(anchor: Message | null): Promise<Message[]> {
    const answer = await this.chat.getMessageList({
      conversationID: this.conversationID,
      count: HISTORY_PAGE,
      ...(anchor ? { nextReqMessageID: anchor.ID } : {}),
    });
    if (anchor || this.entries.size === 0) {
      this.hasOlder = !answer.data.isCompleted;
      this.elements.older.hidden = !this.hasOlder;
    }
    return answer.data.messageList as Message[];
  }

  /**
   * Runs `change` with the list's live announcements off: history coming in is not news, and
   * a screen reader should announce only messages that arrive while the conversation is open.
   */
  private quietly<T>(change: () => T): T {
    const list = this.elements.list;
    list.setAttribute("aria-live", "off");
    try {
      return change();
    } finally {
      // Restored after the browser has taken the additions in.
      window.setTimeout(() => list.setAttribute("aria-live", "polite"), 0);
    }
  }

  private atBottom(): boolean {
    const scroller = this.elements.scroller;
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < FOLLOW_SLACK_PX;
  }

  /** Shows a message in seq order, or updates it if it is shown already. */
  private add(message: Message): void {
    const seq = message.sequence;
    const existing = this.entries.get(seq);
    if (existing) {
      // The SDK hands out one object per message; a different one carries newer state.
      if (existing.message !== message) Object.assign(existing.message, message);
      this.renderContent(existing);
      this.renderReceipt(existing);
      return;
    }
    const entry = this.render(message);
    this.entries.set(seq, entry);
    this.byID.set(message.ID, entry);
    let before: Element | null = null;
    for (const item of this.elements.list.children) {
      if (Number((item as HTMLElement).dataset.seq) > seq) {
        before = item;
        break;
      }
    }
    this.elements.list.insertBefore(entry.item, before);
    if (message.flow === "in") this.observer.observe(entry.item);
  }

  private render(message: Message): Entry {
    if (message.type === TYPES.MSG_GRP_TIP) {
      const item = h("li", { class: "tip", "data-seq": message.sequence }, messageText(message));
      return { message, item, receipt: null, body: null, actions: null, sender: null };
    }
    const mine = message.flow === "out";
    const receipt = mine || message.needReadReceipt ? h("div", { class: "receipt" }) : null;
    const sender = h("span", { class: "sender" });
    const body = h("div", { class: "body" });
    const actions = mine ? h("div", { class: "actions" }) : null;
    const item = h(
      "li",
      { class: mine ? "msg mine" : "msg", "data-seq": message.sequence },
      h("div", { class: "meta" }, sender, " ", h("time", { datetime: new Date(message.time * 1000).toISOString() }, clock(message.time))),
      body,
      actions,
      receipt,
    );
    const entry = { message, item, receipt, body, actions, sender };
    this.renderContent(entry);
    this.renderReceipt(entry);
    return entry;
  }

  /** The sender, the content and the actions of a message, as it is now. */
  private renderContent(entry: Entry): void {
    const { message, body, actions, sender } = entry;
    if (!body || !sender) return;
    const mine = message.flow === "out";
    const name = message.nick || message.from;
    replace(sender, avatarOf(name, message.avatar), h("span", { class: "name" }, mine ? "You" : name));
    if (entry.editing && !message.isRevoked) return;
    entry.editing = false;
    entry.item.classList.toggle("revoked", message.isRevoked);
    if (message.isRevoked) {
      replace(body, h("em", {}, mine ? "You revoked this message." : `${name} revoked this message.`));
      if (actions) replace(actions);
      if (entry.receipt) replace(entry.receipt);
      return;
    }
    replace(body, ...this.content(message));
    if (actions) {
      const buttons: HTMLElement[] = [];
      if (message.type === TYPES.MSG_TEXT) {
        const edit = h("button", { type: "button", class: "link edit" }, "Edit");
        edit.addEventListener("click", () => this.startEdit(entry));
        buttons.push(edit);
      }
      const revoke = h("button", { type: "button", class: "link revoke" }, "Revoke");
      revoke.addEventListener("click", () => void this.revoke(entry));
      buttons.push(revoke);
      replace(actions, ...buttons);
    }
  }

  /** A message's content: text (marked when edited), a picture, a file to download. */
  private content(message: Message): (HTMLElement | string)[] {
    const edited = message.isModified ? [" ", h("span", { class: "edited" }, "(edited)")] : [];
    if (message.type === TYPES.MSG_IMAGE) {
      const infos: { url: string; width: number; height: number; type: number }[] = message.payload?.imageInfoArray ?? [];
      const original = infos.find((info) => info.type === 0) ?? infos[0];
      const preview = infos.find((info) => info.type === 2) ?? infos[infos.length - 1];
      if (!preview) return ["[image]"];
      return [
        h(
          "a",
          { class: "picture", href: original?.url ?? preview.url, target: "_blank", rel: "noopener", title: "Open the full picture" },
          h("img", { src: preview.url, alt: "Picture", width: preview.width || null, height: preview.height || null, loading: "lazy" }),
        ),
      ];
    }
    if (message.type === TYPES.MSG_FILE && message.payload?.fileUrl) {
      const { fileUrl, fileName, fileSize: size } = message.payload as { fileUrl: string; fileName: string; fileSize: number };
      return [h("a", { class: "file", href: fileUrl, download: fileName || true }, fileName || "file", ` (${fileSize(size)})`)];
    }
    return [messageText(message), ...edited];
  }

  /** Turns a text message's body into an editor; saving modifies the message. */
  private startEdit(entry: Entry): void {
    const { message, body } = entry;
    if (!body) return;
    const input = h("textarea", { class: "edit-text", rows: 2, "aria-label": "Edit message" }) as HTMLTextAreaElement;
    input.value = String(message.payload?.text ?? "");
    const line = h("p", { class: "status", role: "status" });
    const save = h("button", { type: "submit", class: "primary" }, "Save");
    const cancel = h("button", { type: "button" }, "Cancel");
    const form = h("form", { class: "edit-form" }, input, h("div", { class: "row" }, save, cancel), line);
    cancel.addEventListener("click", () => {
      entry.editing = false;
      this.renderContent(entry);
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      const before = message.payload.text;
      message.payload.text = text;
      try {
        await this.chat.modifyMessage(message);
        entry.editing = false;
        this.renderContent(entry);
      } catch (error) {
        message.payload.text = before;
        const code = error instanceof ChatError ? error.code : 0;
        if (code === 2480) {
          // Changed meanwhile (on another device): shown as it is now, to edit again if need be.
          entry.editing = false;
          this.renderContent(entry);
          return;
        }
        status(line, `Not saved: ${error instanceof ChatError ? `${error.message} (${code})` : String(error)}`, "error");
      }
    });
    entry.editing = true;
    replace(body, form);
    if (entry.actions) replace(entry.actions);
    input.focus();
  }

  private async revoke(entry: Entry): Promise<void> {
    try {
      await this.chat.revokeMessage(entry.message);
      this.renderContent(entry);
    } catch (error) {
      const code = error instanceof ChatError ? error.code : 0;
      const why =
        code === 20016 || code === 10031
          ? "messages can only be revoked for a short while after they are sent"
          : error instanceof ChatError
            ? `${error.message} (${code})`
            : String(error);
      if (entry.actions) replace(entry.actions, h("span", { class: "status error", role: "status" }, `Not revoked: ${why}.`));
    }
  }

  private renderReceipt(entry: Entry): void {
    const { message, receipt } = entry;
    if (!receipt) return;
    if (message.flow === "in") {
      replace(receipt, askedMark(message));
      return;
    }
    if (message.conversationType === TYPES.CONV_C2C) {
      replace(receipt, c2cMark(message));
      return;
    }
    if (message.conversationType === TYPES.CONV_GROUP && message.needReadReceipt) {
      const read = message.readReceiptInfo.readCount ?? 0;
      const total = read + (message.readReceiptInfo.unreadCount ?? 0);
      const button = h(
        "button",
        {
          type: "button",
          class: "link receipts",
          "aria-haspopup": "dialog",
          title: `${read} of the ${total} members who received this message have read it. You, the sender, are not counted. Click for who has and has not.`,
        },
        `Read by ${read} of ${total} ${total === 1 ? "recipient" : "recipients"}`,
      );
      button.addEventListener("click", () => this.readers.open(entry.message));
      replace(receipt, button);
    }
  }

  /** The observer saw messages come into view or leave it. */
  private seen(changes: IntersectionObserverEntry[]): void {
    for (const change of changes) {
      const seq = Number((change.target as HTMLElement).dataset.seq);
      const rootHeight = change.rootBounds?.height ?? 0;
      // A message counts as seen when half of it is on screen, or it fills half the screen.
      const visible =
        change.isIntersecting &&
        (change.intersectionRatio >= 0.5 || change.intersectionRect.height >= rootHeight * 0.5);
      if (visible) this.inView.add(seq);
      else this.inView.delete(seq);
    }
    this.flushSoon();
  }

  private flushSoon(): void {
    if (this.disposed || document.visibilityState !== "visible") return;
    for (const seq of this.inView) {
      const entry = this.entries.get(seq);
      if (!entry) continue;
      const message = entry.message;
      if (message.needReadReceipt && !message.hasSentReceipt) {
        this.toAcknowledge.set(seq, message);
      }
    }
    if (this.flushTimer === undefined) {
      this.flushTimer = window.setTimeout(() => {
        this.flushTimer = undefined;
        void this.flush();
      }, RECEIPT_BATCH_MS);
    }
  }

  private async flush(): Promise<void> {
    if (this.disposed) return;
    await Promise.all([this.sendReceipts(), this.markRead()]);
  }

  private async sendReceipts(): Promise<void> {
    const batch = [...this.toAcknowledge.values()].slice(0, RECEIPTS_PER_CALL_MAX);
    if (batch.length === 0) return;
    for (const message of batch) this.toAcknowledge.delete(message.sequence);
    try {
      // The SDK marks each message `hasSentReceipt` once the server has the receipts.
      await this.chat.sendMessageReadReceipt(batch);
      for (const message of batch) {
        const entry = this.entries.get(message.sequence);
        if (entry) {
          this.observer.unobserve(entry.item);
          this.renderReceipt(entry);
        }
      }
    } catch {
      // Try again the next time the messages are seen (a reconnect reloads them too).
    }
    if (this.toAcknowledge.size > 0) this.flushSoon();
  }

  /**
   * Marks the conversation read (setMessageRead) once its newest message from others has been
   * on screen and something seen was unread. TIM's Web SDK reads a conversation whole, so one
   * who has scrolled back reads it on reaching its end.
   */
  private async markRead(): Promise<void> {
    if (this.marking) return;
    let newestIncoming = 0;
    for (const [seq, entry] of this.entries) {
      if (entry.message.flow === "in" && seq > newestIncoming) newestIncoming = seq;
    }
    if (newestIncoming === 0 || !this.inView.has(newestIncoming)) return;
    const unreadSeen = [...this.entries.values()].some((entry) => entry.message.flow === "in" && !entry.message.isRead);
    if (!unreadSeen) return;
    this.marking = true;
    try {
      await this.chat.setMessageRead({ conversationID: this.conversationID });
      for (const entry of this.entries.values()) entry.message.isRead = true;
    } catch {
      // Tried again the next time a message comes into view.
    } finally {
      this.marking = false;
    }
  }
}
