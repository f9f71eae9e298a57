// The dialog that lists who has and has not read one of the user's group messages, a page at a
// time (msg_get_read_members), and refreshes while open when new receipts arrive.

import { h, replace, status } from "../shared/dom";
import type { ChatClient } from "./client";
import { GROUP, type GroupMember, type Message, messageText } from "./types";

const PAGE_SIZE = 20;
const READ = 0;
const UNREAD = 1;

interface ListState {
  list: HTMLUListElement;
  heading: HTMLHeadingElement;
  more: HTMLButtonElement;
  nextSeq: number;
  finished: boolean;
}

export class ReadersDialog {
  private readonly dialog: HTMLDialogElement;
  private readonly summary: HTMLParagraphElement;
  private readonly counted: HTMLParagraphElement;
  private readonly statusLine: HTMLParagraphElement;
  private readonly lists: [ListState, ListState];
  private message: Message | null = null;
  /** Bumped on every (re)load so that answers to an older load are dropped. */
  private generation = 0;

  constructor(private readonly client: ChatClient) {
    this.summary = h("p", { class: "hint" });
    this.counted = h("p", { class: "hint" });
    this.statusLine = h("p", { class: "status", role: "status" });
    this.lists = [this.makeList(READ), this.makeList(UNREAD)];
    this.dialog = h(
      "dialog",
      { id: "readers", "aria-labelledby": "readers-title" },
      h("h2", { id: "readers-title" }, "Read receipts"),
      this.summary,
      this.counted,
      h(
        "div",
        { class: "reader-lists" },
        this.lists.map((state) => h("section", {}, state.heading, state.list, state.more)),
      ),
      this.statusLine,
      h("form", { method: "dialog" }, h("button", { type: "submit", class: "primary" }, "Close")),
    );
    this.dialog.addEventListener("close", () => {
      this.message = null;
    });
    document.body.appendChild(this.dialog);
  }

  /** Opens the dialog for one of the user's group messages. */
  open(message: Message): void {
    this.message = message;
    this.summary.textContent = `“${messageText(message)}”`;
    this.reload();
    if (!this.dialog.open) this.dialog.showModal();
  }

  /** The message shown, if the dialog is open. */
  shown(): Message | null {
    return this.dialog.open ? this.message : null;
  }

  /** Starts both lists again from their first page (after new receipts). */
  reload(): void {
    const message = this.message;
    if (!message) return;
    this.generation++;
    const counts = [message.message_group_receipt_read_count, message.message_group_receipt_unread_count];
    const total = counts[0] + counts[1];
    this.counted.textContent = `Of the ${total} ${total === 1 ? "member" : "members"} who received it; you, the sender, are not counted.`;
    const titles = ["Read", "Not read yet"];
    this.lists.forEach((state, filter) => {
      state.heading.textContent = `${titles[filter]} (${counts[filter]})`;
      replace(state.list);
      state.nextSeq = 0;
      state.finished = false;
      void this.loadPage(filter);
    });
  }

  private makeList(filter: number): ListState {
    const state: ListState = {
      list: h("ul", { class: "members", "aria-label": filter === READ ? "Read by" : "Not read by" }),
      heading: h("h3", {}),
      more: h("button", { type: "button", hidden: true }, "Show more"),
      nextSeq: 0,
      finished: false,
    };
    state.more.addEventListener("click", () => void this.loadPage(filter));
    return state;
  }

  private async loadPage(filter: number): Promise<void> {
    const message = this.message;
    const state = this.lists[filter];
    if (!message || state.finished) return;
    const generation = this.generation;
    state.more.disabled = true;
    try {
      const page = await this.client.request<{ members: GroupMember[]; next_seq: number; is_finished: boolean }>(
        "msg_get_read_members",
        {
          message: {
            message_conv_id: message.message_conv_id,
            message_conv_type: GROUP,
            message_seq: message.message_seq,
            message_msg_id: message.message_msg_id,
          },
          filter,
          next_seq: state.nextSeq,
          count: PAGE_SIZE,
        },
      );
      if (generation !== this.generation) return;
      for (const member of page.members) {
        state.list.appendChild(h("li", {}, member.group_member_info_identifier));
      }
      if (state.list.childElementCount === 0) {
        state.list.appendChild(h("li", { class: "hint" }, filter === READ ? "No one yet" : "Everyone has read it"));
      }
      state.nextSeq = page.next_seq;
      state.finished = page.is_finished;
      state.more.hidden = page.is_finished;
      status(this.statusLine, "");
    } catch (error) {
      if (generation === this.generation) status(this.statusLine, `Could not load the list: ${String(error)}`, "error");
    } finally {
      state.more.disabled = false;
    }
  }
}
