// The settings of one group, in a dialog: its profile (name, notice, introduction, picture, who
// may join), mute-all, the members with their roles and what the user may do to each (role,
// mute, remove, hand the group over), the requests to join, and dismissing or quitting. Every
// change is one of TIM's Web SDK calls; what the user may not do is not offered, and what the
// server refuses is said with its code.

import { clock, field, h, replace, status } from "../shared/dom";
import {
  avatarOf,
  type ChatSDK,
  chatErrorText,
  duration,
  type Group,
  type GroupMember,
  groupTypeName,
  joinOptionName,
  roleName,
  TYPES,
} from "./types";

/** How long a member may be muted for, from the member's row. */
const MUTE_CHOICES = [600, 3_600, 86_400, 7 * 86_400];

/** A request to join, as getGroupApplicationList gives it. */
interface Application {
  applicant: string;
  applicantNick: string;
  avatar: string;
  groupID: string;
  postscript: string;
  time: number;
  isHandled: boolean;
}

/** What the rest of the client hears from the dialog. */
export interface GroupSettingsHooks {
  /** The user is no longer in the group: dismissed it or quit. */
  left(groupID: string, sentence: string): void;
  /** The group as it is after a change the user made. */
  changed(group: Group): void;
}

export class GroupSettings {
  private readonly dialog: HTMLDialogElement;
  private readonly title = h("h2", { id: "group-settings-title", tabindex: "-1" }, "Group settings");
  private readonly summary = h("p", { class: "hint" });
  private readonly statusLine = h("p", { class: "status", role: "status", "aria-live": "polite" });
  private readonly profile = h("section", { "aria-labelledby": "group-profile-title" });
  private readonly members = h("section", { "aria-labelledby": "group-members-title" });
  private readonly requests = h("section", { "aria-labelledby": "group-requests-title" });
  private readonly leave = h("section", { "aria-labelledby": "group-leave-title" });
  private group: Group | null = null;
  private memberList: GroupMember[] = [];
  /** Where the next page of members starts (TIM's `offset`); 0 once every member is listed. */
  private nextOffset = 0;
  /** Bumped on every load, so that the answers of an older one are dropped. */
  private generation = 0;
  private refreshTimer: number | undefined;

  constructor(
    private readonly chat: ChatSDK,
    private readonly me: string,
    private readonly hooks: GroupSettingsHooks,
  ) {
    this.dialog = h(
      "dialog",
      { id: "group-settings", class: "settings-dialog", "aria-labelledby": "group-settings-title" },
      // The head and the status line stay in view while the rest scrolls, so that what a button
      // did is seen next to it on a small screen too.
      h(
        "div",
        { class: "settings-head" },
        h("div", { class: "settings-title" }, h("div", {}, this.title, this.summary), h("form", { method: "dialog" }, h("button", { type: "submit" }, "Close"))),
        this.statusLine,
      ),
      h("div", { class: "settings-body" }, h("div", { class: "settings-column" }, this.members, this.requests, this.leave), h("div", { class: "settings-column" }, this.profile)),
    );
    document.body.appendChild(this.dialog);
  }

  /** The group whose settings are open, if the dialog is. */
  shown(): string | null {
    return this.dialog.open && this.group ? this.group.groupID : null;
  }

  /** Opens the settings of a group the user is in. */
  async open(groupID: string): Promise<void> {
    status(this.statusLine, "");
    replace(this.profile);
    replace(this.members);
    replace(this.requests);
    replace(this.leave);
    this.title.textContent = "Group settings";
    this.summary.textContent = groupID;
    if (!this.dialog.open) this.dialog.showModal();
    await this.load(groupID);
    this.title.focus();
  }

  close(): void {
    if (this.dialog.open) this.dialog.close();
  }

  /** Takes the dialog out of the page, at sign-out. */
  dispose(): void {
    this.close();
    this.dialog.remove();
  }

  /** Someone changed the group (a tip, a new member, a request): shows it as it is now. */
  refresh(groupID: string): void {
    if (this.shown() !== groupID) return;
    // One change comes as a tip and a group list update at once: they are read together.
    window.clearTimeout(this.refreshTimer);
    this.refreshTimer = window.setTimeout(() => {
      if (this.shown() === groupID) void this.load(groupID, { keepStatus: true });
    }, 100);
  }

  private async load(groupID: string, options: { keepStatus?: boolean } = {}): Promise<void> {
    const generation = ++this.generation;
    try {
      const { data } = await this.chat.getGroupProfile({ groupID });
      const memberPage = await this.chat.getGroupMemberList({ groupID, count: 100, offset: 0 });
      if (generation !== this.generation) return;
      this.group = data.group;
      this.memberList = memberPage.data.memberList;
      this.nextOffset = memberPage.data.offset;
      const applications = this.isAdmin() ? await this.applications(groupID) : [];
      if (generation !== this.generation) return;
      this.render(applications);
      if (!options.keepStatus) status(this.statusLine, "");
    } catch (error) {
      if (generation === this.generation) status(this.statusLine, `Could not read the group: ${chatErrorText(error)}`, "error");
    }
  }

  private async applications(groupID: string): Promise<Application[]> {
    const { data } = await this.chat.getGroupApplicationList();
    return (data.applicationList as Application[]).filter((application) => application.groupID === groupID && !application.isHandled);
  }

  /** The user's role in the open group. */
  private myRole(): string {
    const group = this.group;
    if (!group) return TYPES.GRP_MBR_ROLE_MEMBER;
    if (group.ownerID === this.me) return TYPES.GRP_MBR_ROLE_OWNER;
    const listed = this.memberList.find((member) => member.userID === this.me);
    return listed?.role || group.selfInfo.role || TYPES.GRP_MBR_ROLE_MEMBER;
  }

  private isOwner(): boolean {
    return this.myRole() === TYPES.GRP_MBR_ROLE_OWNER;
  }

  private isAdmin(): boolean {
    const role = this.myRole();
    return role === TYPES.GRP_MBR_ROLE_OWNER || role === TYPES.GRP_MBR_ROLE_ADMIN;
  }

  private isWork(): boolean {
    return this.group?.type === TYPES.GRP_WORK;
  }

  /** Whether the user outranks a member: the owner everyone else, an admin ordinary members. */
  private outranks(member: GroupMember): boolean {
    if (member.userID === this.me || member.role === TYPES.GRP_MBR_ROLE_OWNER) return false;
    if (this.isOwner()) return true;
    return this.myRole() === TYPES.GRP_MBR_ROLE_ADMIN && member.role !== TYPES.GRP_MBR_ROLE_ADMIN;
  }

  private render(applications: Application[]): void {
    const group = this.group;
    if (!group) return;
    this.title.textContent = `Settings of ${group.name || group.groupID}`;
    this.summary.textContent = `${groupTypeName(group.type)} group ${group.groupID} · ${group.memberCount} ${group.memberCount === 1 ? "member" : "members"} · you are ${roleName(this.myRole()).toLowerCase() === "member" ? "a member" : `its ${roleName(this.myRole()).toLowerCase()}`}`;
    this.renderProfile(group);
    this.renderMembers();
    this.renderRequests(applications);
    this.renderLeave(group);
  }

  private renderProfile(group: Group): void {
    // Any member may describe a Work group; other groups, only the owner and admins.
    const mayEdit = this.isWork() || this.isAdmin();
    const name = h("input", { type: "text", id: "group-name", maxlength: 100, autocomplete: "off", value: group.name, readonly: !mayEdit });
    const notification = h("textarea", { id: "group-notification", rows: 2, readonly: !mayEdit }, group.notification);
    const introduction = h("textarea", { id: "group-introduction", rows: 2, readonly: !mayEdit }, group.introduction);
    const avatar = h("input", { type: "text", id: "group-avatar", autocomplete: "off", value: group.avatar, readonly: !mayEdit, placeholder: "/media/… or data:image/png;base64,…" });
    const mayChooseJoin = this.isAdmin() && (group.type === TYPES.GRP_PUBLIC || group.type === TYPES.GRP_MEETING || group.type === TYPES.GRP_COMMUNITY);
    const joinOption = h(
      "select",
      { id: "group-join-option" },
      [TYPES.JOIN_OPTIONS_FREE_ACCESS, TYPES.JOIN_OPTIONS_NEED_PERMISSION, TYPES.JOIN_OPTIONS_DISABLE_APPLY].map((option) =>
        h("option", { value: option, selected: option === group.joinOption }, joinOptionName(option)),
      ),
    );
    const form = h(
      "form",
      { class: "group-profile" },
      field("Name", name),
      field("Notice", notification, "What every member should know; shown to members as the group's notification."),
      field("Introduction", introduction, "What the group is about."),
      field("Picture address", avatar, "A picture on this server or a data: URL."),
      mayChooseJoin ? field("Who may join", joinOption) : null,
      mayEdit ? h("button", { type: "submit", class: "primary" }, "Save group profile") : h("p", { class: "hint" }, "Only the owner and admins may change this group's profile."),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const changes: Record<string, unknown> = {};
      if (name.value.trim() !== group.name) changes.name = name.value.trim();
      if (notification.value !== group.notification) changes.notification = notification.value;
      if (introduction.value !== group.introduction) changes.introduction = introduction.value;
      if (avatar.value.trim() !== group.avatar) changes.avatar = avatar.value.trim();
      if (mayChooseJoin && joinOption.value !== group.joinOption) changes.joinOption = joinOption.value;
      if (Object.keys(changes).length === 0) {
        status(this.statusLine, "Nothing changed, so nothing was saved.");
        return;
      }
      if (changes.name === "") {
        status(this.statusLine, "A group needs a name.", "error");
        name.focus();
        return;
      }
      void this.run("Saving the group profile…", "Saved the group profile.", () => this.chat.updateGroupProfile({ groupID: group.groupID, ...changes }));
    });

    replace(this.profile, h("h3", { id: "group-profile-title" }, "Profile"), form);
  }

  /** Mute-all, for the owner and admins; others are told when it is on. */
  private muteAllControl(group: Group): HTMLElement | null {
    if (this.isAdmin() && group.type !== TYPES.GRP_AVCHATROOM) {
      const muteAll = h("input", { type: "checkbox", id: "group-mute-all", checked: group.muteAllMembers });
      muteAll.addEventListener("change", () => {
        const on = muteAll.checked;
        void this.run(
          on ? "Muting everyone…" : "Letting everyone speak…",
          on ? "Everyone but the owner and admins is muted." : "Everyone may speak again.",
          () => this.chat.updateGroupProfile({ groupID: group.groupID, muteAllMembers: on }),
        );
      });
      return h("label", { class: "check mute-all", for: "group-mute-all" }, muteAll, " Mute everyone but the owner and admins");
    }
    return group.muteAllMembers ? h("p", { class: "hint" }, "Everyone but the owner and admins is muted.") : null;
  }

  private renderMembers(): void {
    const group = this.group;
    if (!group) return;
    const now = Math.floor(Date.now() / 1000);
    const items = this.memberList.map((member) => this.memberRow(group, member, now));
    const more = h("button", { type: "button", hidden: this.nextOffset === 0 }, "Show more members");
    more.addEventListener("click", () => void this.moreMembers());
    replace(
      this.members,
      h("h3", { id: "group-members-title" }, `Members (${group.memberCount})`),
      this.muteAllControl(group),
      h("ul", { class: "member-list", "aria-label": "Members" }, items),
      more,
    );
  }

  private memberRow(group: Group, member: GroupMember, now: number): HTMLElement {
    const name = member.nameCard || member.nick || member.userID;
    const label = name === member.userID ? member.userID : `${name} (${member.userID})`;
    const muted = member.muteUntil > now;
    const facts = [roleName(member.role), member.userID === this.me ? "you" : "", muted ? `muted until ${clock(member.muteUntil)}` : ""].filter(Boolean);
    const actions: HTMLElement[] = [];
    const button = (text: string, onClick: () => void, describe: string) => {
      const element = h("button", { type: "button", "aria-label": describe }, text);
      element.addEventListener("click", onClick);
      actions.push(element);
    };
    const id = member.userID;
    if (this.isOwner() && !this.isWork() && group.type !== TYPES.GRP_AVCHATROOM && member.role !== TYPES.GRP_MBR_ROLE_OWNER) {
      const admin = member.role === TYPES.GRP_MBR_ROLE_ADMIN;
      button(admin ? "Make member" : "Make admin", () =>
        void this.run(
          "Changing the role…",
          admin ? `${id} is an ordinary member now.` : `${id} is an admin now.`,
          () => this.chat.setGroupMemberRole({ groupID: group.groupID, userID: id, role: admin ? TYPES.GRP_MBR_ROLE_MEMBER : TYPES.GRP_MBR_ROLE_ADMIN }),
        ),
        admin ? `Make ${id} an ordinary member` : `Make ${id} an admin`,
      );
    }
    if (this.outranks(member)) {
      if (muted) {
        button("Unmute", () =>
          void this.run("Unmuting…", `${id} may speak again.`, () => this.chat.setGroupMemberMuteTime({ groupID: group.groupID, userID: id, muteTime: 0 })),
          `Unmute ${id}`,
        );
      } else {
        const choice = h(
          "select",
          { "aria-label": `Mute ${id} for` },
          MUTE_CHOICES.map((seconds) => h("option", { value: seconds }, duration(seconds))),
        );
        const mute = h("button", { type: "button", "aria-label": `Mute ${id}` }, "Mute");
        mute.addEventListener("click", () => {
          const seconds = Number(choice.value);
          void this.run("Muting…", `${id} is muted for ${duration(seconds)}.`, () =>
            this.chat.setGroupMemberMuteTime({ groupID: group.groupID, userID: id, muteTime: seconds }),
          );
        });
        actions.push(h("span", { class: "mute-choice" }, mute, " for ", choice));
      }
    }
    // In a Work group only the owner removes members; elsewhere whoever outranks them.
    const mayRemove = group.type !== TYPES.GRP_AVCHATROOM && this.outranks(member) && (!this.isWork() || this.isOwner());
    if (mayRemove) {
      button("Remove", () => {
        if (!window.confirm(`Remove ${id} from ${group.name || group.groupID}?`)) return;
        void this.run("Removing…", `Removed ${id} from the group.`, () => this.chat.deleteGroupMember({ groupID: group.groupID, userIDList: [id] }));
      }, `Remove ${id}`);
    }
    if (this.isOwner() && member.userID !== this.me && group.type !== TYPES.GRP_AVCHATROOM) {
      button("Make owner", () => {
        if (!window.confirm(`Hand ${group.name || group.groupID} over to ${id}? You become an ordinary member.`)) return;
        void this.run("Handing the group over…", `${id} owns the group now.`, () => this.chat.changeGroupOwner({ groupID: group.groupID, newOwnerID: id }));
      }, `Make ${id} the owner`);
    }
    return h(
      "li",
      { class: "member", "data-user": member.userID },
      h("span", { class: "member-name" }, avatarOf(name, member.avatar), " ", label),
      h("span", { class: "member-facts" }, facts.join(" · ")),
      actions.length > 0 ? h("span", { class: "member-actions" }, actions) : null,
    );
  }

  private async moreMembers(): Promise<void> {
    const group = this.group;
    if (!group || this.nextOffset === 0) return;
    try {
      const page = await this.chat.getGroupMemberList({ groupID: group.groupID, count: 100, offset: this.nextOffset });
      this.memberList.push(...page.data.memberList);
      this.nextOffset = page.data.offset;
      this.renderMembers();
    } catch (error) {
      status(this.statusLine, `Could not read more members: ${chatErrorText(error)}`, "error");
    }
  }

  private renderRequests(applications: Application[]): void {
    const group = this.group;
    if (!group || !this.isAdmin() || this.isWork()) {
      replace(this.requests);
      return;
    }
    const items = applications.map((application) => {
      const name = application.applicantNick ? `${application.applicantNick} (${application.applicant})` : application.applicant;
      const answer = (action: "Agree" | "Reject") =>
        void this.run(
          action === "Agree" ? "Letting in…" : "Refusing…",
          action === "Agree" ? `${application.applicant} joined the group.` : `Refused ${application.applicant}'s request.`,
          () => this.chat.handleGroupApplication({ handleAction: action, application }),
        );
      return h(
        "li",
        { class: "request" },
        h("span", { class: "member-name" }, avatarOf(name, application.avatar), " ", name),
        h("span", { class: "member-facts" }, `asked ${clock(application.time)}${application.postscript ? `: “${application.postscript}”` : ""}`),
        h(
          "span",
          { class: "member-actions" },
          h("button", { type: "button", class: "primary", "aria-label": `Approve ${application.applicant}`, onclick: () => answer("Agree") }, "Approve"),
          h("button", { type: "button", "aria-label": `Refuse ${application.applicant}`, onclick: () => answer("Reject") }, "Refuse"),
        ),
      );
    });
    replace(
      this.requests,
      h("h3", { id: "group-requests-title" }, `Requests to join (${applications.length})`),
      h("p", { class: "hint" }, joinOptionName(group.joinOption), "."),
      items.length > 0 ? h("ul", { class: "member-list", "aria-label": "Requests to join" }, items) : h("p", { class: "hint" }, "No one is waiting to join."),
    );
  }

  private renderLeave(group: Group): void {
    const name = group.name || group.groupID;
    const buttons: HTMLElement[] = [];
    if (this.isOwner()) {
      const dismiss = h("button", { type: "button", class: "danger" }, "Dismiss group");
      dismiss.addEventListener("click", () => {
        if (!window.confirm(`Dismiss ${name}? Every member loses it and its messages.`)) return;
        void this.end(`Dismissed ${name}.`, () => this.chat.dismissGroup(group.groupID));
      });
      buttons.push(dismiss);
    }
    // The owner of a Work group may quit, handing it to the longest-standing member; other owners
    // hand the group over or dismiss it.
    if (!this.isOwner() || this.isWork()) {
      const quit = h("button", { type: "button", class: "danger" }, "Quit group");
      quit.addEventListener("click", () => {
        if (!window.confirm(`Quit ${name}?`)) return;
        void this.end(`You left ${name}.`, () => this.chat.quitGroup(group.groupID));
      });
      buttons.push(quit);
    }
    const hint = this.isOwner()
      ? this.isWork()
        ? "If you quit, the longest-standing member becomes the owner."
        : "As its owner you cannot quit; make someone else the owner first, or dismiss the group."
      : "";
    replace(this.leave, h("h3", { id: "group-leave-title" }, "Leave"), hint ? h("p", { class: "hint" }, hint) : null, h("div", { class: "row" }, buttons));
  }

  /** Runs one change, says how it went, and shows the group as it is after it. */
  private async run(doing: string, done: string, change: () => Promise<{ data: { group?: Group } }>): Promise<void> {
    const group = this.group;
    if (!group) return;
    status(this.statusLine, doing);
    let said: [string, "ok" | "error"];
    try {
      const answer = await change();
      said = [done, "ok"];
      if (answer.data.group) this.hooks.changed(answer.data.group);
    } catch (error) {
      said = [`Not done: ${chatErrorText(error)}`, "error"];
    }
    // The outcome is said once the settings show it, so that what is read beside it agrees.
    await this.load(group.groupID, { keepStatus: true });
    status(this.statusLine, ...said);
  }

  /** Dismisses or quits: the dialog closes and the client leaves the conversation. */
  private async end(done: string, change: () => Promise<unknown>): Promise<void> {
    const group = this.group;
    if (!group) return;
    status(this.statusLine, "…");
    try {
      await change();
      this.close();
      this.hooks.left(group.groupID, done);
    } catch (error) {
      status(this.statusLine, `Not done: ${chatErrorText(error)}`, "error");
    }
  }
}
