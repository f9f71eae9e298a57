// The dialog that lists who has and has not read one of the user's group messages, a page at a
// time (getGroupMessageReadMemberList), and refreshes while open when new receipts arrive.

import { h, replace, status } from "../shared/dom";
import { type ChatSDK, type Message, messageText } from "./types";

const PAGE_SIZE = 20;
const READ = 0;
const UNREAD = 1;

interface ListState {
  list: HTMLUListElement;
  heading: HTMLHeadingElement;
  more: HTMLButtonElement;
  /** Where the next page starts: TIM's `cursor`, empty for the first page. */
  cursor: string;
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

  constructor(private readonly chat: ChatSDK) {
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
    const counts = [message.readReceiptInfo.readCount ?? 0, message.readReceiptInfo.unreadCount ?? 0];
    const total = counts[0] + counts[1];
    this.counted.textContent = `Of the ${total} ${total === 1 ? "member" : "members"} who received it; you, the sender, are not counted.`;
    const titles = ["Read", "Not read yet"];
    this.lists.forEach((state, filter) => {
      state.heading.textContent = `${titles[filter]} (${counts[filter]})`;
      replace(state.list);
      state.cursor = "";
      state.finished = false;
      void this.loadPage(filter);
    });
  }

  private makeList(filter: number): ListState {
    const state: ListState = {
      list: h("ul", { class: "members", "aria-label": filter === READ ? "Read by" : "Not read by" }),
      heading: h("h3", {}),
      more: h("button", { type: "button", hidden: true }, "Show more"),
      cursor: "",
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
      const page = await this.chat.getGroupMessageReadMemberList({ message, filter, cursor: state.cursor, count: PAGE_SIZE });
      if (generation !== this.generation) return;
      const { readUserIDList, unreadUserIDList, cursor, isCompleted } = page.data as {
        readUserIDList: string[];
        unreadUserIDList: string[];
        cursor: string;
        isCompleted: boolean;
      };
      for (const userID of filter === READ ? readUserIDList : unreadUserIDList) {
        state.list.appendChild(h("li", {}, userID));
      }
      if (state.list.childElementCount === 0) {
        state.list.appendChild(h("li", { class: "hint" }, filter === READ ? "No one yet" : "Everyone has read it"));
      }
      state.cursor = cursor;
      state.finished = isCompleted;
      state.more.hidden = isCompleted;
      status(this.statusLine, "");
    } catch (error) {
      if (generation === this.generation) status(this.statusLine, `Could not load the list: ${String(error)}`, "error");
    } finally {
      state.more.disabled = false;
    }
  }
}
