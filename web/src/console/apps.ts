// Apps: the server's apps with their SDKAppIDs and plans; changing a plan, rotating a key, and
// (for the first app's administrator, who manages the others) creating apps and switching
// which app the other pages show.

import { clock, field, h, replace, status } from "../shared/dom";
import { rest, RestError } from "./api";
import { type AppInfo, type ConsoleContext, PLANS } from "./context";

export function appsPage(context: ConsoleContext, main: HTMLElement): void {
  const statusLine = h("p", { class: "status", role: "status" });
  const table = h("div", { class: "table-wrap" });
  const manages = context.session.ManagesAllApps;
  replace(
    main,
    h("h2", {}, "Apps"),
    h(
      "p",
      { class: "hint" },
      manages
        ? "You administer the server's first app, so you manage every app on this server."
        : "You administer this app only; the administrator of the server's first app manages the others.",
    ),
    table,
    statusLine,
    manages ? createForm(statusLine, () => void load()) : null,
    rotateDialog,
  );

  async function load(): Promise<void> {
    try {
      const apps = manages
        ? (await rest<{ Apps: AppInfo[] }>("tincan", "list_apps")).Apps
        : [(await rest<{ App: AppInfo }>("tincan", "get_app")).App];
      replace(table, appsTable(context, apps, statusLine, () => void load()));
    } catch (error) {
      status(statusLine, `Could not list the apps: ${String(error)}`, "error");
    }
  }
  void load();
}

function appsTable(context: ConsoleContext, apps: AppInfo[], statusLine: HTMLElement, reload: () => void): HTMLTableElement {
  const rows = apps.map((app) => {
    const target = app.sdkappid === context.session.SdkAppId ? undefined : app.sdkappid;
    const plan = h(
      "select",
      { "aria-label": `Plan of ${app.sdkappid}` },
      PLANS.map((name) => h("option", { value: name, selected: name === app.plan }, name)),
    );
    const savePlan = h("button", { type: "button" }, "Change plan");
    savePlan.addEventListener("click", async () => {
      try {
        const answer = await rest<{ App: AppInfo }>("tincan", "set_app_config", { plan: plan.value }, target);
        status(statusLine, `${app.sdkappid} is now on the ${answer.App.plan} plan. This applies at once, without a restart.`, "ok");
        reload();
      } catch (error) {
        status(statusLine, `Could not change the plan: ${String(error)}`, "error");
      }
    });
    const rotate = h("button", { type: "button" }, "Rotate key");
    rotate.addEventListener("click", () => openRotate(app.sdkappid, target, statusLine));
    const managing = app.sdkappid === context.app;
    const manage = context.session.ManagesAllApps
      ? managing
        ? h("span", { class: "hint" }, "Managing")
        : h("button", { type: "button", onclick: () => context.switchApp(app.sdkappid) }, "Manage")
      : null;
    return h(
      "tr",
      {},
      h("td", { "data-label": "SDKAppID" }, h("code", { class: "number" }, String(app.sdkappid))),
      h("td", { "data-label": "Plan" }, h("div", { class: "inline" }, plan, savePlan)),
      h("td", { "data-label": "Administrator" }, app.admin_identifier),
      h("td", { "data-label": "Created" }, app.created_at ? clock(app.created_at) : "—"),
      h("td", { "data-label": "Actions" }, h("div", { class: "inline" }, rotate, manage)),
    );
  });
  return h(
    "table",
    { class: "reflow" },
    h("caption", { class: "visually-hidden" }, "Apps on this server"),
    h(
      "thead",
      {},
      h("tr", {}, ["SDKAppID", "Plan", "Administrator", "Created", "Actions"].map((title) => h("th", { scope: "col" }, title))),
    ),
    h("tbody", {}, rows),
  );
}

function createForm(statusLine: HTMLElement, reload: () => void): HTMLFormElement {
  const plan = h("select", { id: "new-app-plan" }, PLANS.map((name) => h("option", { value: name, selected: name === "Ultimate" }, name)));
  const sdkappid = h("input", { type: "text", inputmode: "numeric", id: "new-app-id", placeholder: "chosen by the server" });
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "create-app-title" },
    h("h3", { id: "create-app-title" }, "Create an app"),
    h("div", { class: "inline" },
      field("Plan", plan),
      field("SDKAppID (optional)", sdkappid),
    ),
    h("button", { type: "submit", class: "primary" }, "Create app"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body: Record<string, unknown> = { Plan: plan.value };
    const chosen = sdkappid.value.trim();
    if (chosen) {
      const number = Number(chosen);
      if (!Number.isSafeInteger(number) || number <= 0) {
        status(statusLine, "An SDKAppID is a number.", "error");
        return;
      }
      body.SdkAppId = number;
    }
    try {
      const answer = await rest<{ App: AppInfo; KeyFile: string }>("tincan", "create_app", body);
      status(
        statusLine,
        `Created app ${answer.App.sdkappid} on the ${answer.App.plan} plan; its key is in ${answer.KeyFile} on the server.`,
        "ok",
      );
      sdkappid.value = "";
      reload();
    } catch (error) {
      status(statusLine, `Could not create the app: ${error instanceof RestError ? `${error.info} (${error.code})` : String(error)}`, "error");
    }
  });
  return form;
}

// One confirmation dialog serves every row.
const rotateText = h("p", {});
const rotateConfirm = h("button", { type: "submit", class: "primary", value: "rotate" }, "Rotate the key");
const rotateDialog = h(
  "dialog",
  { "aria-labelledby": "rotate-title" },
  h(
    "form",
    { method: "dialog" },
    h("h2", { id: "rotate-title" }, "Rotate the key?"),
    rotateText,
    h("div", { class: "inline" }, h("button", { type: "submit", value: "cancel" }, "Cancel"), rotateConfirm),
  ),
);

function openRotate(sdkappid: number, target: number | undefined, statusLine: HTMLElement): void {
  rotateText.textContent =
    `App ${sdkappid} gets a new secret key. Every UserSig made with the old key stops working at once: ` +
    "users and back ends need new ones. Console sessions of this app opened elsewhere end too.";
  rotateDialog.onclose = async () => {
    if (rotateDialog.returnValue !== "rotate") return;
    try {
      const answer = await rest<{ KeyFile: string }>("tincan", "rotate_key", {}, target);
      status(statusLine, `App ${sdkappid} has a new key, written to ${answer.KeyFile} on the server.`, "ok");
    } catch (error) {
      status(statusLine, `Could not rotate the key: ${String(error)}`, "error");
    }
  };
  rotateDialog.returnValue = "";
  rotateDialog.showModal();
}
