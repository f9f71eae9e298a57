// The contacts page: the user's friends (with remarks), friend requests received and sent, adding
// a friend by user ID with a greeting, and the blocklist. Everything is TIM's relationship chain
// through the Web SDK (getFriendList, addFriend, acceptFriendApplication, addToBlacklist, ...),
// and the lists follow TIM's events, so a change made on another device shows here too.

import { clock, field, h, replace, status } from "../shared/dom";
import { avatarOf, type ChatSDK, chatErrorText, EVENT, type Profile, TYPES } from "./types";

/** TIM's Web `Friend`, as far as the page reads it. */
interface Friend {
  userID: string;
  remark: string;
  profile: Profile;
}

/** TIM's Web `FriendApplication`. */
interface FriendApplication {
  userID: string;
  avatar: string;
  nick: string;
  time: number;
  wording: string;
  type: string;
}

/** What adding a friend answers: 0, friends now; 30539, the request waits for an answer. */
const REQUEST_PENDING = 30539;

export interface ContactsHooks {
  /** Opens the one-to-one conversation with a user. */
  openChat(userID: string): void;
  /** The number of friend requests received and not yet seen. */
  unreadChanged(count: number): void;
}

export class ContactsPage {
  readonly element: HTMLElement;
  private readonly statusLine = h("p", { class: "status", role: "status", "aria-live": "polite" });
  private readonly friends = h("ul", { class: "contact-list", "aria-label": "Friends" });
  private readonly friendsTitle = h("h2", { id: "friends-title" }, "Friends");
  private readonly received = h("ul", { class: "contact-list", "aria-label": "Requests received" });
  private readonly sent = h("ul", { class: "contact-list", "aria-label": "Requests sent" });
  private readonly blocked = h("ul", { class: "contact-list", "aria-label": "Blocked users" });
  private readonly heading = h("h2", { id: "contacts-title", tabindex: "-1" }, "Contacts");
  private unread = 0;
  private visible = false;

  constructor(
    private readonly chat: ChatSDK,
    private readonly me: string,
    private readonly hooks: ContactsHooks,
  ) {
    this.element = h(
      "main",
      { class: "contacts", id: "contacts", "aria-labelledby": "contacts-title", hidden: true },
      h("div", { class: "contacts-head" }, this.heading, this.statusLine),
      // Requests, which wait for an answer, come first; on a narrow screen the columns stack.
      h(
        "div",
        { class: "contacts-grid" },
        h(
          "div",
          { class: "contacts-column" },
          h(
            "section",
            { class: "card", "aria-labelledby": "requests-title" },
            h("h2", { id: "requests-title" }, "Friend requests"),
            h("h3", {}, "Received"),
            this.received,
            h("h3", {}, "Sent"),
            this.sent,
          ),
          h("section", { class: "card", "aria-labelledby": "friends-title" }, this.friendsTitle, this.friends),
        ),
        h("div", { class: "contacts-column" }, this.addForm(), this.blocklistSection()),
      ),
    );
    chat.on(EVENT.FRIEND_LIST_UPDATED, (event) => this.showFriends(event.data as Friend[]));
    chat.on(EVENT.FRIEND_APPLICATION_LIST_UPDATED, (event) => {
      const { friendApplicationList, unreadCount } = event.data as { friendApplicationList: FriendApplication[]; unreadCount: number };
      this.showApplications(friendApplicationList, unreadCount);
    });
    chat.on(EVENT.BLACKLIST_UPDATED, (event) => this.showBlocked(event.data as string[]));
  }

  /** Reads the three lists from the server. */
  async load(): Promise<void> {
    try {
      const [friends, applications, blocked] = await Promise.all([this.chat.getFriendList(), this.chat.getFriendApplicationList(), this.chat.getBlacklist()]);
      this.showFriends(friends.data as Friend[]);
      this.showApplications(applications.data.friendApplicationList as FriendApplication[], applications.data.unreadCount);
      this.showBlocked(blocked.data);
    } catch (error) {
      status(this.statusLine, `Could not read your contacts: ${chatErrorText(error)}`, "error");
    }
  }

  private async refreshApplications(): Promise<void> {
    try {
      const { data } = await this.chat.getFriendApplicationList();
      this.showApplications(data.friendApplicationList as FriendApplication[], data.unreadCount);
    } catch {
      // The list stays as it was; the next change reads it again.
    }
  }

  /** Shows or hides the page; shown, the requests received count as seen. */
  show(visible: boolean): void {
    this.visible = visible;
    this.element.hidden = !visible;
    if (!visible) return;
    this.heading.focus();
    this.markSeen();
  }

  private markSeen(): void {
    if (!this.visible || this.unread === 0) return;
    this.unread = 0;
    this.hooks.unreadChanged(0);
    void this.chat.setFriendApplicationRead().catch(() => {});
  }

  private addForm(): HTMLElement {
    const userID = h("input", { type: "text", id: "add-friend-id", required: true, autocomplete: "off", placeholder: "User ID" });
    const wording = h("input", { type: "text", id: "add-friend-wording", autocomplete: "off", maxlength: 120, placeholder: "Hi, it's me" });
    const remark = h("input", { type: "text", id: "add-friend-remark", autocomplete: "off", maxlength: 96 });
    const form = h(
      "form",
      { class: "card add-friend", "aria-labelledby": "add-friend-title" },
      h("h2", { id: "add-friend-title" }, "Add a friend"),
      field("User ID", userID),
      field("Greeting", wording, "Sent with your request, if the user approves friends."),
      field("Remark", remark, "Your own name for them; only you see it."),
      h("button", { type: "submit", class: "primary" }, "Add friend"),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const to = userID.value.trim();
      if (!to) return;
      if (to === this.me) {
        status(this.statusLine, "That is you; add someone else.", "error");
        userID.focus();
        return;
      }
      status(this.statusLine, `Adding ${to}…`);
      try {
        const answer = await this.chat.addFriend({
          to,
          source: "AddSource_Type_Web",
          type: TYPES.SNS_ADD_TYPE_BOTH,
          wording: wording.value.trim(),
          remark: remark.value.trim(),
        });
        const pending = answer.data.code === REQUEST_PENDING;
        status(this.statusLine, pending ? `Request sent; ${to} becomes your friend on accepting it.` : `${to} is your friend now.`, "ok");
        // The server tells the user asked, not the one asking: the list of requests sent is read again.
        if (pending) await this.refreshApplications();
        userID.value = "";
        wording.value = "";
        remark.value = "";
      } catch (error) {
        status(this.statusLine, `${to} was not added: ${chatErrorText(error)}`, "error");
      }
    });
    return form;
  }

  private blocklistSection(): HTMLElement {
    const userID = h("input", { type: "text", id: "block-user-id", required: true, autocomplete: "off", placeholder: "User ID" });
    const form = h("form", { class: "block-form" }, h("label", { for: "block-user-id" }, "Block a user"), h("div", { class: "row" }, userID, h("button", { type: "submit" }, "Block")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const id = userID.value.trim();
      if (!id) return;
      void this.block(id).then((blocked) => {
        if (blocked) userID.value = "";
      });
    });
    return h(
      "section",
      { class: "card", "aria-labelledby": "blocklist-title" },
      h("h2", { id: "blocklist-title" }, "Blocklist"),
      h("p", { class: "hint" }, "Blocked users cannot message you or ask to be your friend; blocking ends a friendship."),
      this.blocked,
      form,
    );
  }

  private async block(userID: string): Promise<boolean> {
    status(this.statusLine, `Blocking ${userID}…`);
    try {
      await this.chat.addToBlacklist({ userIDList: [userID] });
      status(this.statusLine, `Blocked ${userID}.`, "ok");
      return true;
    } catch (error) {
      status(this.statusLine, `${userID} was not blocked: ${chatErrorText(error)}`, "error");
      return false;
    }
  }

  private showFriends(friends: Friend[]): void {
    this.friendsTitle.textContent = `Friends (${friends.length})`;
    const items = friends.map((friend) => this.friendRow(friend));
    if (items.length === 0) items.push(h("li", { class: "hint" }, "No friends yet. Add one by user ID."));
    replace(this.friends, items);
  }

  private friendRow(friend: Friend): HTMLElement {
    const id = friend.userID;
    const nick = friend.profile?.nick ?? "";
    const shown = friend.remark || nick || id;
    const details = [friend.remark && nick ? nick : "", shown === id ? "" : id].filter(Boolean).join(" · ");
    const message = h("button", { type: "button", class: "primary", "aria-label": `Message ${shown}` }, "Message");
    message.addEventListener("click", () => this.hooks.openChat(id));
    const remarkInput = h("input", { type: "text", id: `remark-${id}`, autocomplete: "off", maxlength: 96, value: friend.remark });
    const remarkForm = h(
      "form",
      { class: "remark-form", hidden: true },
      h("label", { for: remarkInput.id }, `Remark for ${id}`),
      h("div", { class: "row" }, remarkInput, h("button", { type: "submit", class: "primary" }, "Save"), h("button", { type: "button", onclick: () => toggleRemark(false) }, "Cancel")),
    );
    const remarkButton = h("button", { type: "button", "aria-label": `Edit the remark for ${id}`, "aria-expanded": "false" }, "Remark");
    const toggleRemark = (open: boolean) => {
      remarkForm.hidden = !open;
      remarkButton.setAttribute("aria-expanded", String(open));
      if (open) remarkInput.focus();
      else remarkButton.focus();
    };
    remarkButton.addEventListener("click", () => toggleRemark(remarkButton.getAttribute("aria-expanded") !== "true"));
    remarkForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      status(this.statusLine, "Saving the remark…");
      try {
        await this.chat.updateFriend({ userID: id, remark: remarkInput.value.trim() });
        status(this.statusLine, remarkInput.value.trim() ? `${id} is “${remarkInput.value.trim()}” to you now.` : `Removed the remark for ${id}.`, "ok");
      } catch (error) {
        status(this.statusLine, `The remark was not saved: ${chatErrorText(error)}`, "error");
      }
    });
    const remove = h("button", { type: "button", "aria-label": `Delete ${id} from your friends` }, "Delete");
    remove.addEventListener("click", async () => {
      if (!window.confirm(`Delete ${shown} from your friends? You are also taken off theirs.`)) return;
      status(this.statusLine, `Deleting ${id}…`);
      try {
        const answer = await this.chat.deleteFriend({ userIDList: [id], type: TYPES.SNS_DELETE_TYPE_BOTH });
        const failed = (answer.data.failureUserIDList ?? []) as { userID: string; code: number; message: string }[];
        if (failed.length > 0) status(this.statusLine, `${id} was not deleted: ${failed[0].message} (${failed[0].code})`, "error");
        else status(this.statusLine, `${id} is no longer your friend.`, "ok");
      } catch (error) {
        status(this.statusLine, `${id} was not deleted: ${chatErrorText(error)}`, "error");
      }
    });
    const block = h("button", { type: "button", "aria-label": `Block ${id}` }, "Block");
    block.addEventListener("click", () => {
      if (window.confirm(`Block ${shown}? This also ends your friendship.`)) void this.block(id);
    });
    return h(
      "li",
      { class: "contact", "data-user": id },
      h("span", { class: "contact-name" }, avatarOf(shown, friend.profile?.avatar), " ", shown),
      details ? h("span", { class: "contact-facts" }, details) : null,
      h("span", { class: "contact-actions" }, message, remarkButton, remove, block),
      remarkForm,
    );
  }

  private showApplications(applications: FriendApplication[], unreadCount: number): void {
    const received = applications.filter((application) => application.type === TYPES.SNS_APPLICATION_SENT_TO_ME);
    const sent = applications.filter((application) => application.type === TYPES.SNS_APPLICATION_SENT_BY_ME);
    const row = (application: FriendApplication, actions: HTMLElement[]) => {
      const name = application.nick ? `${application.nick} (${application.userID})` : application.userID;
      return h(
        "li",
        { class: "contact", "data-user": application.userID },
        h("span", { class: "contact-name" }, avatarOf(name, application.avatar), " ", name),
        h("span", { class: "contact-facts" }, `${clock(application.time)}${application.wording ? ` · “${application.wording}”` : ""}`),
        h("span", { class: "contact-actions" }, actions),
      );
    };
    const button = (text: string, label: string, primary: boolean, act: () => Promise<unknown>, done: string) => {
      const element = h("button", { type: "button", class: primary ? "primary" : null, "aria-label": label }, text);
      element.addEventListener("click", async () => {
        status(this.statusLine, "…");
        try {
          await act();
          status(this.statusLine, done, "ok");
        } catch (error) {
          status(this.statusLine, `Not done: ${chatErrorText(error)}`, "error");
        }
      });
      return element;
    };
    const receivedItems = received.map((application) => {
      const id = application.userID;
      return row(application, [
        button("Accept", `Accept ${id}'s request`, true, () => this.chat.acceptFriendApplication({ userID: id, type: TYPES.SNS_APPLICATION_AGREE_AND_ADD }), `${id} is your friend now.`),
        button("Refuse", `Refuse ${id}'s request`, false, () => this.chat.refuseFriendApplication({ userID: id }), `Refused ${id}'s request.`),
      ]);
    });
    const sentItems = sent.map((application) => {
      const id = application.userID;
      return row(application, [
        button("Withdraw", `Withdraw your request to ${id}`, false, () => this.chat.deleteFriendApplication({ userID: id, type: TYPES.SNS_APPLICATION_SENT_BY_ME }), `Withdrew your request to ${id}.`),
      ]);
    });
    if (receivedItems.length === 0) receivedItems.push(h("li", { class: "hint" }, "None waiting."));
    if (sentItems.length === 0) sentItems.push(h("li", { class: "hint" }, "None waiting for an answer."));
    replace(this.received, receivedItems);
    replace(this.sent, sentItems);
    this.unread = unreadCount;
    this.hooks.unreadChanged(unreadCount);
    this.markSeen();
  }

  private showBlocked(userIDs: string[]): void {
    const items = userIDs.map((id) => {
      const unblock = h("button", { type: "button", "aria-label": `Unblock ${id}` }, "Unblock");
      unblock.addEventListener("click", async () => {
        status(this.statusLine, `Unblocking ${id}…`);
        try {
          await this.chat.removeFromBlacklist({ userIDList: [id] });
          status(this.statusLine, `Unblocked ${id}.`, "ok");
        } catch (error) {
          status(this.statusLine, `${id} is still blocked: ${chatErrorText(error)}`, "error");
        }
      });
      return h("li", { class: "contact", "data-user": id }, h("span", { class: "contact-name" }, avatarOf(id, ""), " ", id), h("span", { class: "contact-actions" }, unblock));
    });
    if (items.length === 0) items.push(h("li", { class: "hint" }, "Nobody is blocked."));
    replace(this.blocked, items);
  }
}
