// Users and groups: search an app's accounts (and hand out a UserSig to try the chat client as
// one of them), see an account's profile, add accounts, list groups and see one's profile and its
// members with their roles and mutes, and create a group. It uses TIM's REST commands where TIM
// has them (`portrait_get`, `get_group_info`, `get_group_member_info`, ...) and
// `tincan/list_accounts` where it does not.

import { field, h, replace, status } from "../shared/dom";
import { rest, RestError, UNKNOWN_COMMAND } from "./api";
import { appArg, type ConsoleContext } from "./context";

const ACCOUNT_PAGE = 50;
const GROUP_PAGE = 50;
const MEMBER_PAGE = 50;
const GROUP_TYPES = ["Work", "Public", "Meeting", "Community", "AVChatRoom"];
const ROLES: Record<string, string> = { Owner: "Owner", Admin: "Admin", Member: "Member" };
/** TIM's REST names of group types, as people know them. */
const TYPE_NAMES: Record<string, string> = { Private: "Work", ChatRoom: "Meeting" };

interface Account {
  UserID: string;
  Online: boolean;
}

interface GroupInfo {
  GroupId: string;
  Name?: string;
  Type?: string;
  MemberNum?: number;
  MaxMemberNum?: number;
  ErrorCode?: number;
  ErrorInfo?: string;
  Owner_Account?: string;
  Introduction?: string;
  Notification?: string;
  FaceUrl?: string;
  ApplyJoinOption?: string;
  ShutUpAllMember?: string;
  CreateTime?: number;
  AppDefinedData?: { Key: string; Value: string }[];
}

interface Member {
  Member_Account: string;
  Role: string;
  JoinTime: number;
  ShutUpUntil?: number;
  NameCard?: string;
}

interface ProfileItem {
  Tag: string;
  Value: string | number;
}

/** The profile tags the console shows, with their names. */
const PROFILE_TAGS: [string, string][] = [
  ["Tag_Profile_IM_Nick", "Nick"],
  ["Tag_Profile_IM_Image", "Avatar"],
  ["Tag_Profile_IM_Gender", "Gender"],
  ["Tag_Profile_IM_SelfSignature", "Signature"],
  ["Tag_Profile_IM_AllowType", "Friend requests"],
];
const CUSTOM_PREFIX = "Tag_Profile_Custom_";
/** TIM's REST values, as people say them. */
const VALUE_NAMES: Record<string, string> = {
  Gender_Type_Unknown: "Not set",
  Gender_Type_Male: "Male",
  Gender_Type_Female: "Female",
  AllowType_Type_AllowAny: "Anyone may add",
  AllowType_Type_NeedConfirm: "Need confirmation",
  AllowType_Type_DenyAny: "No one may add",
  FreeAccess: "Anyone may join",
  NeedPermission: "Needs approval",
  DisableApply: "No one may ask to join",
};
/** The custom profile fields to read: TIM's `portrait_get` answers only the tags it is asked for. */
let customFields: string[] = [];

function explain(error: unknown, command: string): string {
  if (error instanceof RestError && error.code === UNKNOWN_COMMAND) {
    return `This server does not have ${command} yet.`;
  }
  return String(error);
}

export function usersPage(context: ConsoleContext, main: HTMLElement): void {
  replace(
    main,
    h("h2", {}, "Users and groups"),
    h("p", { class: "hint" }, `Accounts and groups of app ${context.app}.`),
    accountsSection(context),
    groupsSection(context),
  );
}

function accountsSection(context: ConsoleContext): HTMLElement {
  const prefix = h("input", { type: "search", id: "account-prefix", placeholder: "User ID starts with…", autocomplete: "off" });
  const statusLine = h("p", { class: "status", role: "status" });
  const rows = h("tbody", {});
  const more = h("button", { type: "button", hidden: true }, "Show more");
  const profilePanel = h("div", { class: "members-panel" });
  let cursor = "";

  async function search(fresh: boolean): Promise<void> {
    if (fresh) {
      cursor = "";
      replace(rows);
    }
    try {
      const answer = await rest<{ Accounts: Account[]; NextCursor: string }>(
        "tincan",
        "list_accounts",
        { Prefix: prefix.value.trim(), Cursor: cursor, Limit: ACCOUNT_PAGE },
        appArg(context),
      );
      for (const account of answer.Accounts) rows.appendChild(accountRow(context, account, profilePanel));
      cursor = answer.NextCursor;
      more.hidden = !cursor;
      status(statusLine, rows.childElementCount === 0 ? "No accounts match." : `${rows.childElementCount} shown${cursor ? "; there are more" : ""}.`);
    } catch (error) {
      status(statusLine, explain(error, "tincan/list_accounts"), "error");
    }
  }

  const searchForm = h(
    "form",
    { role: "search", class: "inline" },
    h("label", { for: "account-prefix", class: "visually-hidden" }, "Search accounts"),
    prefix,
    h("button", { type: "submit" }, "Search"),
  );
  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void search(true);
  });
  more.addEventListener("click", () => void search(false));

  const newAccount = h("input", { type: "text", id: "new-account", required: true, autocomplete: "off", placeholder: "User ID" });
  const addForm = h(
    "form",
    { class: "inline" },
    h("label", { for: "new-account" }, "Add an account"),
    newAccount,
    h("button", { type: "submit" }, "Add"),
  );
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const userId = newAccount.value.trim();
    try {
      await rest("im_open_login_svc", "account_import", { UserID: userId }, appArg(context));
      status(statusLine, `Account ${userId} is ready.`, "ok");
      newAccount.value = "";
      prefix.value = userId;
      void search(true);
    } catch (error) {
      status(statusLine, `Could not add ${userId}: ${String(error)}`, "error");
    }
  });

  void search(true);
  return h(
    "section",
    { "aria-labelledby": "accounts-title", class: "card" },
    h("h3", { id: "accounts-title" }, "Accounts"),
    searchForm,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "reflow" },
        h("thead", {}, h("tr", {}, ["User ID", "Online", "Profile", "Chat client"].map((title) => h("th", { scope: "col" }, title)))),
        rows,
      ),
    ),
    more,
    statusLine,
    profilePanel,
    addForm,
  );
}

function accountRow(context: ConsoleContext, account: Account, panel: HTMLElement): HTMLTableRowElement {
  const profile = h("button", { type: "button" }, `Profile of ${account.UserID}`);
  profile.addEventListener("click", () => showProfile(context, account.UserID, panel));
  const cell = h("td", { "data-label": "Chat client" });
  const button = h("button", { type: "button" }, `Make a chat link for ${account.UserID}`);
  button.addEventListener("click", async () => {
    try {
      const answer = await rest<{ UserSig: string }>("tincan", "usersig", { UserID: account.UserID, Expire: 86_400 }, appArg(context));
      const fragment = new URLSearchParams({ sdkappid: String(context.app), user: account.UserID, usersig: answer.UserSig });
      const link = h("a", { href: `/chat#${fragment}`, target: "_blank", rel: "noopener" }, `Open the chat as ${account.UserID}`);
      replace(cell, link, h("small", { class: "hint" }, " (valid for a day)"));
      link.focus();
    } catch (error) {
      replace(cell, h("span", { class: "status", "data-kind": "error" }, String(error)));
    }
  });
  cell.appendChild(button);
  return h(
    "tr",
    {},
    h("td", { "data-label": "User ID" }, account.UserID),
    h("td", { "data-label": "Online" }, account.Online ? "Online" : "Offline"),
    h("td", { "data-label": "Profile" }, profile),
    cell,
  );
}

function groupsSection(context: ConsoleContext): HTMLElement {
  const statusLine = h("p", { class: "status", role: "status" });
  const rows = h("tbody", {});
  const more = h("button", { type: "button", hidden: true }, "Show more groups");
  const members = h("div", { class: "members-panel" });
  let next = 0;

  async function load(fresh: boolean): Promise<void> {
    if (fresh) {
      next = 0;
      replace(rows);
    }
    try {
      const list = await rest<{ TotalCount: number; GroupIdList: { GroupId: string }[]; Next: number }>(
        "group_open_http_svc",
        "get_appid_group_list",
        { Limit: GROUP_PAGE, Next: next },
        appArg(context),
      );
      const ids = list.GroupIdList.map((group) => group.GroupId);
      const infos = ids.length
        ? (await rest<{ GroupInfo: GroupInfo[] }>("group_open_http_svc", "get_group_info", { GroupIdList: ids }, appArg(context))).GroupInfo
        : [];
      for (const id of ids) {
        const info = infos.find((candidate) => candidate.GroupId === id) ?? { GroupId: id };
        rows.appendChild(groupRow(context, info, members));
      }
      next = list.Next;
      more.hidden = !next || rows.childElementCount >= list.TotalCount;
      status(statusLine, list.TotalCount === 0 ? "No groups yet." : `${rows.childElementCount} of ${list.TotalCount} groups shown.`);
    } catch (error) {
      status(statusLine, explain(error, "the group commands"), "error");
    }
  }
  more.addEventListener("click", () => void load(false));
  void load(true);

  return h(
    "section",
    { "aria-labelledby": "groups-title", class: "card" },
    h("h3", { id: "groups-title" }, "Groups"),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "reflow" },
        h("thead", {}, h("tr", {}, ["Group ID", "Name", "Type", "Members", ""].map((title) => h("th", { scope: "col" }, title)))),
        rows,
      ),
    ),
    more,
    statusLine,
    members,
    createGroupForm(context, () => void load(true)),
  );
}

function groupRow(context: ConsoleContext, info: GroupInfo, panel: HTMLElement): HTMLTableRowElement {
  const show = h("button", { type: "button" }, "Profile and members");
  show.addEventListener("click", () => showGroup(context, info.GroupId, panel));
  return h(
    "tr",
    {},
    h("td", { "data-label": "Group ID" }, h("code", {}, info.GroupId)),
    h("td", { "data-label": "Name" }, info.Name ?? ""),
    h("td", { "data-label": "Type" }, info.Type ? (TYPE_NAMES[info.Type] ?? info.Type) : ""),
    h("td", { "data-label": "Members" }, info.MemberNum === undefined ? "" : String(info.MemberNum)),
    h("td", { "data-label": "" }, show),
  );
}

/** A value of TIM's REST as people say it. */
function named(value: string | number | undefined): string {
  if (value === undefined) return "";
  return VALUE_NAMES[String(value)] ?? String(value);
}

/** A list of terms and their values; an empty value says so rather than showing nothing. */
function facts(label: string, entries: [string, Node | string][]): HTMLDListElement {
  return h(
    "dl",
    { class: "facts", "aria-label": label },
    entries.flatMap(([term, value]) => [
      h("dt", {}, term),
      h("dd", {}, value === "" ? h("span", { class: "unavailable" }, "none") : value),
    ]),
  );
}

function when(seconds: number | undefined): string {
  return seconds ? new Date(seconds * 1000).toLocaleString() : "";
}

function showProfile(context: ConsoleContext, userId: string, panel: HTMLElement): void {
  const heading = h("h4", { tabindex: "-1" }, `Profile of ${userId}`);
  const body = h("div", {});
  const statusLine = h("p", { class: "status", role: "status" });
  const fieldsInput = h("input", {
    type: "text",
    id: "profile-custom-fields",
    placeholder: "Hobby, Team",
    autocomplete: "off",
    value: customFields.join(", "),
    "aria-describedby": "profile-custom-fields-hint",
  });
  const fieldsForm = h(
    "form",
    { class: "profile-fields" },
    h("div", { class: "inline" }, h("label", { for: "profile-custom-fields" }, "Custom fields to show"), fieldsInput, h("button", { type: "submit" }, "Show fields")),
    h("small", { class: "hint", id: "profile-custom-fields-hint" }, "The names after Tag_Profile_Custom_, separated by commas: the REST API answers the fields it is asked for."),
  );
  fieldsForm.addEventListener("submit", (event) => {
    event.preventDefault();
    customFields = fieldsInput.value
      .split(/[\s,]+/)
      .map((name) => name.replace(CUSTOM_PREFIX, ""))
      .filter(Boolean);
    void load();
  });

  async function load(): Promise<void> {
    const tags = [...PROFILE_TAGS.map(([tag]) => tag), ...customFields.map((name) => `${CUSTOM_PREFIX}${name}`)];
    try {
      const answer = await rest<{ UserProfileItem: { To_Account: string; ProfileItem: ProfileItem[]; ResultCode: number; ResultInfo: string }[] }>(
        "profile",
        "portrait_get",
        { To_Account: [userId], TagList: tags },
        appArg(context),
      );
      const entry = answer.UserProfileItem[0];
      if (!entry || entry.ResultCode !== 0) {
        replace(body);
        status(statusLine, `Could not read the profile of ${userId}: ${entry?.ResultInfo ?? "no answer"} (${entry?.ResultCode ?? ""})`, "error");
        return;
      }
      const value = (tag: string) => entry.ProfileItem.find((item) => item.Tag === tag)?.Value;
      const standard: [string, Node | string][] = PROFILE_TAGS.map(([tag, label]) => {
        const shown = named(value(tag));
        if (tag === "Tag_Profile_IM_Image" && shown !== "") return [label, h("code", { class: "url" }, shown)];
        if (tag === "Tag_Profile_IM_AllowType" && shown === "") return [label, "Not set"];
        return [label, shown];
      });
      const custom: [string, string][] = customFields.map((name) => [`${name} (custom)`, String(value(`${CUSTOM_PREFIX}${name}`) ?? "")]);
      replace(body, facts(`Profile of ${userId}`, [...standard, ...custom]));
      status(statusLine, customFields.length === 0 ? "Name custom fields below to see them too." : "");
    } catch (error) {
      replace(body);
      status(statusLine, `Could not read the profile of ${userId}: ${explain(error, "profile/portrait_get")}`, "error");
    }
  }

  replace(panel, heading, body, statusLine, fieldsForm);
  void load().then(() => heading.focus());
}

function showGroup(context: ConsoleContext, groupId: string, panel: HTMLElement): void {
  const profileHeading = h("h4", { tabindex: "-1" }, `Group ${groupId}`);
  const profileBody = h("div", {});
  const list = h("tbody", {});
  const more = h("button", { type: "button", hidden: true }, "Show more members");
  const heading = h("h4", {}, `Members of ${groupId}`);
  const statusLine = h("p", { class: "status", role: "status" });
  let offset = 0;

  async function profile(): Promise<void> {
    try {
      const answer = await rest<{ GroupInfo: GroupInfo[] }>(
        "group_open_http_svc",
        "get_group_info",
        { GroupIdList: [groupId], ResponseFilter: {} },
        appArg(context),
      );
      const info = answer.GroupInfo[0];
      if (!info || (info.ErrorCode ?? 0) !== 0) {
        status(statusLine, `Could not read group ${groupId}: ${info?.ErrorInfo ?? "no answer"}`, "error");
        return;
      }
      const custom: [string, string][] = (info.AppDefinedData ?? []).map((entry) => [`${entry.Key} (custom)`, entry.Value]);
      replace(
        profileBody,
        facts(`Profile of group ${groupId}`, [
          ["Name", info.Name ?? ""],
          ["Type", info.Type ? (TYPE_NAMES[info.Type] ?? info.Type) : ""],
          ["Owner", info.Owner_Account ?? ""],
          ["Notice", info.Notification ?? ""],
          ["Introduction", info.Introduction ?? ""],
          ["Face", info.FaceUrl ? h("code", { class: "url" }, info.FaceUrl) : ""],
          ["Join option", named(info.ApplyJoinOption)],
          ["All muted", info.ShutUpAllMember === "On" ? "Yes: only the owner and admins may speak" : "No"],
          ["Members", info.MaxMemberNum ? `${info.MemberNum ?? 0} of at most ${info.MaxMemberNum}` : String(info.MemberNum ?? 0)],
          ["Created", when(info.CreateTime)],
          ...custom,
        ]),
      );
    } catch (error) {
      status(statusLine, explain(error, "group_open_http_svc/get_group_info"), "error");
    }
  }

  async function page(): Promise<void> {
    try {
      const answer = await rest<{ MemberNum: number; MemberList: Member[] }>(
        "group_open_http_svc",
        "get_group_member_info",
        { GroupId: groupId, Limit: MEMBER_PAGE, Offset: offset },
        appArg(context),
      );
      const now = Date.now() / 1000;
      for (const member of answer.MemberList) {
        const muted = member.ShutUpUntil && member.ShutUpUntil > now ? `Until ${when(member.ShutUpUntil)}` : "No";
        list.appendChild(
          h(
            "tr",
            {},
            h("td", { "data-label": "Member" }, member.Member_Account),
            h("td", { "data-label": "Role" }, ROLES[member.Role] ?? member.Role),
            h("td", { "data-label": "Muted" }, muted),
            h("td", { "data-label": "Name card" }, member.NameCard ?? ""),
            h("td", { "data-label": "Joined" }, when(member.JoinTime)),
          ),
        );
      }
      offset += answer.MemberList.length;
      heading.textContent = `Members of ${groupId} (${answer.MemberNum})`;
      more.hidden = offset >= answer.MemberNum || answer.MemberList.length === 0;
    } catch (error) {
      status(statusLine, explain(error, "group_open_http_svc/get_group_member_info"), "error");
    }
  }
  more.addEventListener("click", () => void page());
  replace(
    panel,
    profileHeading,
    profileBody,
    heading,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "reflow" },
        h("thead", {}, h("tr", {}, ["Member", "Role", "Muted", "Name card", "Joined"].map((title) => h("th", { scope: "col" }, title)))),
        list,
      ),
    ),
    more,
    statusLine,
  );
  void Promise.all([profile(), page()]).then(() => profileHeading.focus());
}

function createGroupForm(context: ConsoleContext, reload: () => void): HTMLFormElement {
  const type = h("select", { id: "new-group-type" }, GROUP_TYPES.map((name) => h("option", { value: name }, name)));
  const name = h("input", { type: "text", id: "new-group-name", required: true, maxlength: 100 });
  const groupId = h("input", { type: "text", id: "new-group-id", placeholder: "chosen by the server", autocomplete: "off" });
  const owner = h("input", { type: "text", id: "new-group-owner", placeholder: "none (the app owns it)", autocomplete: "off" });
  const memberList = h("input", { type: "text", id: "new-group-members", placeholder: "bob, carol", autocomplete: "off" });
  const statusLine = h("p", { class: "status", role: "status" });
  const form = h(
    "form",
    { class: "subform", "aria-labelledby": "create-group-title" },
    h("h4", { id: "create-group-title" }, "Create a group"),
    h(
      "div",
      { class: "grid" },
      field("Type", type),
      field("Name", name),
      field("Group ID (optional)", groupId),
      field("Owner (optional)", owner),
      field("Members, separated by commas", memberList),
    ),
    h("button", { type: "submit", class: "primary" }, "Create group"),
    statusLine,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body: Record<string, unknown> = {
      Type: type.value,
      Name: name.value.trim(),
      MemberList: memberList.value
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((account) => ({ Member_Account: account })),
    };
    if (groupId.value.trim()) body.GroupId = groupId.value.trim();
    if (owner.value.trim()) body.Owner_Account = owner.value.trim();
    try {
      const answer = await rest<{ GroupId: string }>("group_open_http_svc", "create_group", body, appArg(context));
      // The next group is most likely another for the same people: the type, owner and members
      // stay; the name and the ID, which must differ, are cleared.
      status(statusLine, `Created group ${answer.GroupId}. The type, owner and members are kept for the next one.`, "ok");
      name.value = "";
      groupId.value = "";
      name.focus();
      reload();
    } catch (error) {
      status(statusLine, `Could not create the group: ${explain(error, "group_open_http_svc/create_group")}`, "error");
    }
  });
  return form;
}
