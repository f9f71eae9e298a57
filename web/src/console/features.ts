// Feature configuration > Login and Message: which group types may ask for read receipts, the
// coalescing window of receipt pushes, the largest group allowed receipts, and (when the server
// has them) the webhook settings. Saving calls `tincan/set_app_config`, which applies at once.

import { field, h, replace, status } from "../shared/dom";
import { rest } from "./api";
import { type AppInfo, appArg, type ConsoleContext } from "./context";

const RECEIPT_TYPES = [
  { name: "Work", hint: "private work groups, up to 200 members" },
  { name: "Public", hint: "public groups, up to 2,000 members" },
  { name: "Meeting", hint: "meeting groups, up to 6,000 members" },
  { name: "Community", hint: "communities, up to 100,000 members" },
];

export function featuresPage(context: ConsoleContext, main: HTMLElement): void {
  const body = h("div", {}, h("p", { class: "hint" }, "Loading…"));
  replace(
    main,
    h("h2", {}, "Feature configuration"),
    h("p", { class: "hint" }, `Login and Message settings of app ${context.app}.`),
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

  const hasWebhooks = "callback_url" in app;
  const callbackUrl = h("input", { type: "text", id: "callback-url", inputmode: "url", value: String(app.callback_url ?? ""), placeholder: "https://example.com/im-callback" });
  const callbackCommands = h("textarea", { id: "callback-commands", rows: 4 });
  callbackCommands.value = Array.isArray(app.callback_commands) ? (app.callback_commands as string[]).join("\n") : "";
  const webhooks = hasWebhooks
    ? h(
        "fieldset",
        {},
        h("legend", {}, "Webhooks"),
        field("Callback URL", callbackUrl, "Empty turns callbacks off."),
        field("Enabled commands, one a line", callbackCommands),
      )
    : null;

  const save = h("button", { type: "submit", class: "primary" }, "Save");
  const element = h("form", { class: "settings", "aria-describedby": "features-status" }, receipts, webhooks, save, statusLine);
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    const change: Record<string, unknown> = {
      receipt_group_types: boxes.filter((box) => box.checked).map((box) => box.value),
      receipt_coalesce_window_ms: Number(windowMs.value),
      receipt_group_members_max: Number(membersMax.value),
    };
    if (hasWebhooks) {
      change.callback_url = callbackUrl.value.trim();
      change.callback_commands = callbackCommands.value.split(/[\s,]+/).filter(Boolean);
    }
    save.disabled = true;
    status(statusLine, "Saving…");
    try {
      const answer = await rest<{ App: AppInfo }>("tincan", "set_app_config", change, appArg(context));
      const types = answer.App.receipt_group_types;
      status(
        statusLine,
        `Saved at ${new Date().toLocaleTimeString()}: read receipts ${types.length ? `on for ${types.join(", ")} groups` : "off for every group type"}. ` +
          "The change applies at once, to the next message; no restart needed.",
        "ok",
      );
      showPlan(answer.App.plan);
    } catch (error) {
      status(statusLine, `Not saved: ${String(error)}`, "error");
    } finally {
      save.disabled = false;
    }
  });
  return element;
}
