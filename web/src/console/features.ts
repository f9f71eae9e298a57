// Feature configuration > Login and Message, and Callback configuration: which group types may ask
// for read receipts, the coalescing window of receipt pushes, the largest group allowed receipts,
// and the webhooks (the callback URL and TIM's callback commands to call). Saving calls
// `tincan/set_app_config`, which applies at once; a refusal changes nothing and is shown by the form.

import { field, h, replace, status } from "../shared/dom";
import { rest, RestError } from "./api";
import { type AppInfo, appArg, type ConsoleContext } from "./context";

const RECEIPT_TYPES = [
  { name: "Work", hint: "private work groups, up to 200 members" },
  { name: "Public", hint: "public groups, up to 2,000 members" },
  { name: "Meeting", hint: "meeting groups, up to 6,000 members" },
  { name: "Community", hint: "communities, up to 100,000 members" },
];

/** TIM's callback commands that tincan makes, and when each is called. */
const CALLBACK_COMMANDS = [
  { name: "C2C.CallbackBeforeSendMsg", when: "Before a one-to-one message is stored; the answer may change or refuse it." },
  { name: "C2C.CallbackAfterSendMsg", when: "After a one-to-one message is stored." },
  { name: "C2C.CallbackAfterMsgReport", when: "After a user marks a one-to-one conversation read." },
  { name: "Group.CallbackBeforeSendMsg", when: "Before a group message is stored; the answer may change or refuse it." },
  { name: "Group.CallbackAfterSendMsg", when: "After a group message is stored." },
  { name: "Group.CallbackAfterReadReceipt", when: "After a group member sends read receipts." },
  { name: "C2C.CallbackAfterMsgReadReceipt", when: "After a user sends read receipts for one-to-one messages." },
  { name: "C2C.CallbackAfterMsgWithDraw", when: "After a one-to-one message is revoked." },
  { name: "Group.CallbackAfterRecallMsg", when: "After a group message is revoked." },
  { name: "Group.CallbackSendMsgException", when: "After a group message is refused (a muted sender, the before-send answer, a bad message)." },
  { name: "State.StateChange", when: "After a user goes online or offline." },
  { name: "Profile.CallbackPortraitSet", when: "After a user's profile changes." },
  { name: "Group.CallbackBeforeCreateGroup", when: "Before a group is created; the answer may refuse it." },
  { name: "Group.CallbackAfterCreateGroup", when: "After a group is created." },
  { name: "Group.CallbackBeforeApplyJoinGroup", when: "Before a request to join a group is taken; the answer may refuse it." },
  { name: "Group.CallbackBeforeInviteJoinGroup", when: "Before people are invited into a group; the answer may refuse some of them." },
  { name: "Group.CallbackAfterNewMemberJoin", when: "After members join a group." },
  { name: "Group.CallbackAfterMemberExit", when: "After members leave a group or are removed." },
  { name: "Group.CallbackAfterGroupFull", when: "After a group reaches its largest size." },
  { name: "Group.CallbackAfterGroupDestroyed", when: "After a group is dismissed." },
  { name: "Group.CallbackAfterGroupInfoChanged", when: "After a group's profile changes." },
  { name: "Group.CallbackAfterChangeGroupOwner", when: "After a group is handed to a new owner." },
  { name: "Group.CallbackAfterMemberFieldChanged", when: "After a member's name card or custom fields change." },
  { name: "Group.CallbackAfterGroupAttrChanged", when: "After a group's custom attributes change." },
  { name: "Group.CallbackOnMemberStateChange", when: "After members of an AVChatRoom group come online or go offline in it." },
  { name: "Sns.CallbackPrevFriendAdd", when: "Before a user's friend request is taken; the answer may refuse it." },
  { name: "Sns.CallbackPrevFriendResponse", when: "Before a user's answer to a friend request is taken; the answer may refuse it." },
  { name: "Sns.CallbackFriendAdd", when: "After users become friends." },
  { name: "Sns.CallbackFriendDelete", when: "After a friendship ends." },
  { name: "Sns.CallbackBlackListAdd", when: "After a user blocks someone." },
  { name: "Sns.CallbackBlackListDelete", when: "After a user unblocks someone." },
  { name: "Follow.CallbackAfterFollowAdd", when: "After a user follows others." },
  { name: "Follow.CallbackAfterFollowDelete", when: "After a user stops following others." },
];

export function featuresPage(context: ConsoleContext, main: HTMLElement): void {
  const body = h("div", {}, h("p", { class: "hint" }, "Loading…"));
  replace(
    main,
    h("h2", {}, "Feature configuration"),
    h("p", { class: "hint" }, `Login and Message settings and webhooks of app ${context.app}.`),
    body,
  );
  rest<{ App: AppInfo }>("tincan", "get_app", {}, appArg(context))
    .then((answer) => replace(body, form(context, answer.App)))
    .catch((error) => replace(body, h("p", { class: "status", "data-kind": "error" }, `Could not read the app: ${String(error)}`)));
}

function form(context: ConsoleContext, app: AppInfo): HTMLElement {
  const statusLine = h("p", { class: "status", role: "status", id: "features-status" });
  const planNote = h("p", { class: "note" });
  const showPlan = (plan: string) => {
    planNote.hidden = plan === "Ultimate";
    planNote.textContent = `Read receipts need the Ultimate plan. This app is on the ${plan} plan, so no message can ask for them until the plan changes (Apps page).`;
  };
  showPlan(app.plan);

  const boxes = RECEIPT_TYPES.map((type) =>
    h("input", { type: "checkbox", id: `receipt-${type.name}`, value: type.name, checked: app.receipt_group_types.includes(type.name) }),
  );
  const windowMs = h("input", { type: "number", id: "coalesce-window", min: 0, max: 10000, step: 1, required: true, value: app.receipt_coalesce_window_ms });
  const membersMax = h("input", { type: "number", id: "group-members-max", min: 1, step: 1, required: true, value: app.receipt_group_members_max });

  const receipts = h(
    "fieldset",
    {},
    h("legend", {}, "Group message read receipts"),
    h("p", { class: "hint" }, "Messages in groups of the checked types may ask for read receipts. One-to-one messages always may (on the Ultimate plan)."),
    planNote,
    h(
      "ul",
      { class: "checks" },
      RECEIPT_TYPES.map((type, index) =>
        h("li", {}, h("label", { for: `receipt-${type.name}` }, boxes[index], ` ${type.name} `, h("span", { class: "hint" }, `(${type.hint})`))),
      ),
      h(
        "li",
        {},
        h(
          "label",
          { for: "receipt-AVChatRoom", class: "unavailable" },
          h("input", { type: "checkbox", id: "receipt-AVChatRoom", disabled: true, "aria-describedby": "avchatroom-hint" }),
          " AVChatRoom ",
          h("span", { class: "hint", id: "avchatroom-hint" }, "(never available: audio-video chat rooms keep no read state)"),
        ),
      ),
    ),
    field(
      "Receipt coalescing window (milliseconds)",
      windowMs,
      "A busy group's receipts reach the sender at most once per window, with the current counts; 0 to 10,000.",
    ),
    field("Largest group allowed receipts (members)", membersMax, "A message in a larger group cannot ask for receipts."),
  );

  const callbackUrl = h("input", {
    type: "text",
    id: "callback-url",
    inputmode: "url",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "https://backend.example/callback",
  });
  const commandBoxes = CALLBACK_COMMANDS.map((command) =>
    h("input", { type: "checkbox", id: commandId(command.name), value: command.name, "aria-describedby": `${commandId(command.name)}-hint` }),
  );
  const showWebhooks = (shown: AppInfo) => {
    callbackUrl.value = shown.callback_url ?? "";
    for (const box of commandBoxes) box.checked = (shown.callback_commands ?? []).includes(box.value);
  };
  showWebhooks(app);

  const webhooks = h(
    "fieldset",
    {},
    h("legend", {}, "Webhooks"),
    h(
      "p",
      { class: "hint" },
      "tincan calls your back end as TIM does: ",
      h("code", {}, "POST <URL>?SdkAppid=…&CallbackCommand=…"),
      " with a JSON body, for each checked command. Your receiver should check SdkAppid.",
    ),
    field("Callback URL", callbackUrl, "An http:// or https:// address. Leave it empty to turn every callback off; the checked commands are kept."),
    h(
      "fieldset",
      { class: "plain" },
      h("legend", {}, "Commands to call"),
      h(
        "ul",
        { class: "checks commands" },
        CALLBACK_COMMANDS.map((command, index) =>
          h(
            "li",
            {},
            commandBoxes[index],
            h("label", { for: commandId(command.name) }, h("code", {}, command.name)),
            h("small", { class: "hint", id: `${commandId(command.name)}-hint` }, command.when),
          ),
        ),
      ),
    ),
  );

  const save = h("button", { type: "submit", class: "primary" }, "Save");
  const element = h("form", { class: "settings", "aria-describedby": "features-status" }, receipts, webhooks, save, statusLine);
  // A refused callback URL is marked on its field, with the server's reason under it.
  const urlError = h("small", { class: "field-error", id: "callback-url-error", hidden: true });
  callbackUrl.after(urlError);
  const urlHint = callbackUrl.getAttribute("aria-describedby") ?? "";
  const markUrl = (reason: string | null) => {
    urlError.textContent = reason ?? "";
    urlError.hidden = reason === null;
    if (reason === null) callbackUrl.removeAttribute("aria-invalid");
    else callbackUrl.setAttribute("aria-invalid", "true");
    callbackUrl.setAttribute("aria-describedby", reason === null ? urlHint : `${urlError.id} ${urlHint}`);
  };
  callbackUrl.addEventListener("input", () => markUrl(null));

  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    const change = {
      receipt_group_types: boxes.filter((box) => box.checked).map((box) => box.value),
      receipt_coalesce_window_ms: Number(windowMs.value),
      receipt_group_members_max: Number(membersMax.value),
      callback_url: callbackUrl.value.trim(),
      callback_commands: commandBoxes.filter((box) => box.checked).map((box) => box.value),
    };
    save.disabled = true;
    markUrl(null);
    status(statusLine, "Saving…");
    try {
      const answer = await rest<{ App: AppInfo }>("tincan", "set_app_config", change, appArg(context));
      const types = answer.App.receipt_group_types;
      status(
        statusLine,
        `Saved at ${new Date().toLocaleTimeString()}: read receipts ${types.length ? `on for ${types.join(", ")} groups` : "off for every group type"}; ` +
          `${describeWebhooks(answer.App)}. The change applies at once, to the next message; no restart needed.`,
        "ok",
      );
      showPlan(answer.App.plan);
      showWebhooks(answer.App);
    } catch (error) {
      // The server checks the whole change before applying any of it, so a refusal changes nothing.
      const text = error instanceof RestError ? `Not saved, nothing was changed: ${error.info} (${error.code})` : `Not saved: ${String(error)}`;
      status(statusLine, text, "error");
      if (error instanceof RestError && /callback_url/.test(error.info)) {
        markUrl(`Refused: ${error.info}`);
        callbackUrl.focus();
      }
    } finally {
      save.disabled = false;
    }
  });
  return element;
}

function commandId(name: string): string {
  return `callback-${name.replace(".", "-")}`;
}

function describeWebhooks(app: AppInfo): string {
  const commands = app.callback_commands ?? [];
  if (!app.callback_url) return "webhooks off";
  if (commands.length === 0) return `no webhook command checked, so nothing is posted to ${app.callback_url}`;
  return `webhooks post ${commands.join(", ")} to ${app.callback_url}`;
}
