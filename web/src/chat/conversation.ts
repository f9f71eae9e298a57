// One open conversation: its messages (history pages and live ones), the receipt state of the
// user's own messages, and the reader's side of receipts: a message that asked for a receipt is
// acknowledged once it has been on screen, and the read position follows what was seen.

import { clock, h, hidden, replace } from "../shared/dom";
import type { ChatClient } from "./client";
import type { ReadersDialog } from "./readers";
import { C2C, GROUP, type Message, type MessageReceipt, messageText } from "./types";

const HISTORY_PAGE = 30;
/** How long to gather messages seen on screen before acknowledging them in one call. */
const RECEIPT_BATCH_MS = 200;
/** Most messages per msg_send_receipts (docs/protocol.md, Limits). */
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

/** One's own one-to-one message: one tick and "Sent", or two and "Seen" or "Read". */
function c2cMark(message: Message): HTMLElement {
  const peer = message.message_conv_id;
  const asked = message.message_need_read_receipt;
  const state =
    asked && message.message_receipt_peer_read
      ? "read"
      : message.message_is_peer_read
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
  if (message.message_has_sent_receipt) {
    return h(
      "span",
      { class: "asked sent", title: `Your client told ${message.message_sender} you read this message, as it asked.` },
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
  private readonly entries = new Map<number, Entry>();
  private readonly observer: IntersectionObserver;
  /** Messages on screen now, by seq. */
  private readonly inView = new Set<number>();
  /** Messages seen that still need a receipt, by seq. */
  private readonly toAcknowledge = new Map<number, Message>();
  private flushTimer: number | undefined;
  private reportedReadSeq = 0;
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

  constructor(
    private readonly client: ChatClient,
    private readonly readers: ReadersDialog,
    readonly convId: string,
    readonly convType: number,
    private readonly elements: ConversationElements,
  ) {
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
      for (const message of page.reverse()) this.add(message);
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
      for (const message of page.reverse()) this.add(message);
    });
    if (follow) this.scrollToEnd();
  }

  /** A message that arrived live (a push, or one's own send). */
  arrived(message: Message): void {
    const follow = message.message_is_from_self || this.atBottom();
    const isNew = !this.entries.has(message.message_seq);
    this.add(message);
    if (follow) {
      this.scrollToEnd();
    } else if (isNew) {
      this.elements.jump.hidden = false;
    }
  }

  /** Sends a text message; resolves with the stored message, or rejects with the server's error. */
  async send(text: string, needReadReceipt: boolean, identity: { clientTime: number; rand: number }): Promise<Message> {
    const answer = await this.client.request<{ message: Message }>("msg_send", {
      conv_id: this.convId,
      conv_type: this.convType,
      message: {
        message_elem_array: [{ elem_type: 0, text_elem_content: text }],
        message_client_time: identity.clientTime,
        message_rand: identity.rand,
        message_need_read_receipt: needReadReceipt,
      },
    });
    this.arrived(answer.message);
    return answer.message;
  }

  /** New receipt state for the user's own messages. */
  applyReceipts(receipts: MessageReceipt[]): void {
    for (const receipt of receipts) {
      if (receipt.msg_receipt_conv_id !== this.convId || receipt.msg_receipt_conv_type !== this.convType) continue;
      if (this.convType === C2C && receipt.msg_receipt_msg_id === "") {
        // The peer's read position moved: everything of ours up to it is read.
        for (const entry of this.entries.values()) {
          if (entry.message.message_is_from_self && entry.message.message_seq <= receipt.msg_receipt_seq) {
            entry.message.message_is_peer_read = true;
            this.renderReceipt(entry);
          }
        }
        continue;
      }
      const entry = this.entries.get(receipt.msg_receipt_seq) ?? this.byMsgId(receipt.msg_receipt_msg_id);
      if (!entry) continue;
      if (this.convType === C2C) {
        entry.message.message_receipt_peer_read ||= receipt.msg_receipt_is_peer_read;
      } else {
        entry.message.message_group_receipt_read_count = receipt.msg_receipt_read_count;
        entry.message.message_group_receipt_unread_count = receipt.msg_receipt_unread_count;
      }
      this.renderReceipt(entry);
      if (this.readers.shown()?.message_seq === entry.message.message_seq) this.readers.open(entry.message);
    }
  }

  /** The user acknowledged these messages from another device. */
  applyReceiptsSent(seqs: number[]): void {
    for (const seq of seqs) {
      const entry = this.entries.get(seq);
      if (!entry) continue;
      entry.message.message_has_sent_receipt = true;
      this.toAcknowledge.delete(seq);
      this.observer.unobserve(entry.item);
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

  private async history(anchor: Message | null): Promise<Message[]> {
    const answer = await this.client.request<{ messages: Message[] }>("msg_get_list", {
      conv_id: this.convId,
      conv_type: this.convType,
      params: {
        msg_getmsglist_param_last_msg: anchor
          ? { message_seq: anchor.message_seq, message_msg_id: anchor.message_msg_id }
          : null,
        msg_getmsglist_param_count: HISTORY_PAGE,
        msg_getmsglist_param_is_forward: false,
      },
    });
    if (anchor || this.entries.size === 0) {
      this.hasOlder = answer.messages.length === HISTORY_PAGE;
      this.elements.older.hidden = !this.hasOlder;
    }
    return answer.messages;
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

  private byMsgId(msgId: string): Entry | undefined {
    for (const entry of this.entries.values()) {
      if (entry.message.message_msg_id === msgId) return entry;
    }
    return undefined;
  }

  /** Shows a message in seq order, or updates it if it is shown already. */
  private add(message: Message): void {
    const seq = message.message_seq;
    const existing = this.entries.get(seq);
    if (existing) {
      // A newer copy of a message carries newer receipt state.
      existing.message = { ...existing.message, ...message };
      this.renderReceipt(existing);
      return;
    }
    const entry = this.render(message);
    this.entries.set(seq, entry);
    let before: Element | null = null;
    for (const item of this.elements.list.children) {
      if (Number((item as HTMLElement).dataset.seq) > seq) {
        before = item;
        break;
      }
    }
    this.elements.list.insertBefore(entry.item, before);
    if (!message.message_is_from_self) this.observer.observe(entry.item);
  }

  private render(message: Message): Entry {
    const isTip = message.message_elem_array.some((elem) => elem.elem_type === 5);
    if (isTip) {
      const item = h("li", { class: "tip", "data-seq": message.message_seq }, messageText(message));
      return { message, item, receipt: null };
    }
    const mine = message.message_is_from_self;
    const receipt = mine || message.message_need_read_receipt ? h("div", { class: "receipt" }) : null;
    const item = h(
      "li",
      { class: mine ? "msg mine" : "msg", "data-seq": message.message_seq },
      h(
        "div",
        { class: "meta" },
        h("span", { class: "sender" }, mine ? "You" : message.message_sender),
        " ",
        h("time", { datetime: new Date(message.message_server_time * 1000).toISOString() }, clock(message.message_server_time)),
      ),
      h("div", { class: "body" }, messageText(message)),
      receipt,
    );
    const entry = { message, item, receipt };
    this.renderReceipt(entry);
    return entry;
  }

  private renderReceipt(entry: Entry): void {
    const { message, receipt } = entry;
    if (!receipt) return;
    if (!message.message_is_from_self) {
      replace(receipt, askedMark(message));
      return;
    }
    if (message.message_conv_type === C2C) {
      replace(receipt, c2cMark(message));
      return;
    }
    if (message.message_conv_type === GROUP && message.message_need_read_receipt) {
      const read = message.message_group_receipt_read_count;
      const total = read + message.message_group_receipt_unread_count;
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
      if (message.message_need_read_receipt && !message.message_has_sent_receipt) {
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
    await Promise.all([this.sendReceipts(), this.reportRead()]);
  }

  private async sendReceipts(): Promise<void> {
    const batch = [...this.toAcknowledge.values()].slice(0, RECEIPTS_PER_CALL_MAX);
    if (batch.length === 0) return;
    for (const message of batch) this.toAcknowledge.delete(message.message_seq);
    try {
      await this.client.request("msg_send_receipts", {
        messages: batch.map((message) => ({
          message_conv_id: this.convId,
          message_conv_type: this.convType,
          message_seq: message.message_seq,
          message_msg_id: message.message_msg_id,
        })),
      });
      for (const message of batch) {
        message.message_has_sent_receipt = true;
        const entry = this.entries.get(message.message_seq);
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

  /** Moves the read position to the newest message seen, when that reads something new. */
  private async reportRead(): Promise<void> {
    let newest: Message | null = null;
    for (const seq of this.inView) {
      const message = this.entries.get(seq)?.message;
      if (message && (!newest || message.message_seq > newest.message_seq)) newest = message;
    }
    if (!newest || newest.message_seq <= this.reportedReadSeq) return;
    const unreadSeen = [...this.entries.values()].some(
      (entry) =>
        !entry.message.message_is_read && !entry.message.message_is_from_self && entry.message.message_seq <= newest.message_seq,
    );
    if (!unreadSeen) return;
    this.reportedReadSeq = newest.message_seq;
    const group = this.convType === GROUP;
    try {
      await this.client.request("conv_clean_unread", {
        conversation_id: `${group ? "group" : "c2c"}_${this.convId}`,
        clean_timestamp: group ? 0 : newest.message_server_time,
        clean_sequence: group ? newest.message_seq : 0,
      });
      for (const entry of this.entries.values()) {
        if (entry.message.message_seq <= newest.message_seq) entry.message.message_is_read = true;
      }
    } catch {
      this.reportedReadSeq = 0;
    }
  }
}
