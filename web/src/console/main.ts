// tincan's web console: sign-in with an app's administrator UserSig, then four pages (Apps,
// Feature configuration, Users and groups, Live view) chosen by the address's fragment.
// Nothing about any app is shown before the server has accepted the sign-in.

import "../shared/base.css";
import "./console.css";

import { byId, field, h, replace, status } from "../shared/dom";
import { currentSession, RestError, type Session, signIn, signOut, whenSignedOut } from "./api";
import { appsPage } from "./apps";
import { type ConsoleContext } from "./context";
import { featuresPage } from "./features";
import { livePage } from "./live";
import { usersPage } from "./users";

const root = byId("app");

interface PageDef {
  hash: string;
  title: string;
  render: (context: ConsoleContext, main: HTMLElement) => (() => void) | void;
}

const PAGES: PageDef[] = [
  { hash: "#apps", title: "Apps", render: appsPage },
  { hash: "#features", title: "Feature configuration", render: featuresPage },
  { hash: "#users", title: "Users and groups", render: usersPage },
  { hash: "#live", title: "Live view", render: livePage },
];

const APP_KEY = "tincan.console.app";

void boot();

async function boot(): Promise<void> {
  whenSignedOut(() => showSignIn("Your console session ended; sign in again."));
  let session: Session | null = null;
  try {
    session = await currentSession();
  } catch (error) {
    replace(root, h("main", { class: "signin" }, h("p", { class: "status", "data-kind": "error" }, `The server did not answer: ${String(error)}`)));
    return;
  }
  if (session) showConsole(session);
  else showSignIn("");
}

let teardown: (() => void) | void = undefined;

function showSignIn(message: string): void {
  teardown?.();
  teardown = undefined;
  document.title = "Sign in · tincan console";
  const sdkappid = h("input", { type: "text", inputmode: "numeric", id: "sdkappid", required: true, autocomplete: "off" });
  const identifier = h("input", { type: "text", id: "identifier", required: true, autocomplete: "username", value: "administrator" });
  const userSig = h("input", { type: "password", id: "usersig", required: true, autocomplete: "off" });
  const statusLine = h("p", { class: "status", role: "status" });
  const form = h(
    "form",
    { class: "signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Sign in to the tincan console"),
    h(
      "p",
      { class: "hint" },
      "Sign in as an app's administrator. Make an administrator UserSig on the server with ",
      h("code", {}, "tincan usersig --user administrator"),
      ".",
    ),
    field("SDKAppID", sdkappid),
    field("Administrator", identifier),
    field("Administrator UserSig", userSig),
    h("button", { type: "submit", class: "primary" }, "Sign in"),
    statusLine,
  );
  if (message) status(statusLine, message, "error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const app = Number(sdkappid.value.trim());
    if (!Number.isSafeInteger(app) || app <= 0) {
      status(statusLine, "The SDKAppID is a number.", "error");
      sdkappid.focus();
      return;
    }
    status(statusLine, "Signing in…");
    try {
      const session = await signIn(app, identifier.value.trim(), userSig.value.trim());
      sessionStorage.removeItem(APP_KEY);
      showConsole(session);
    } catch (error) {
      const text = error instanceof RestError ? `Sign-in refused: ${error.info} (${error.code})` : String(error);
      status(statusLine, text, "error");
      userSig.select();
    }
  });
  replace(root, h("main", { id: "main", class: "signin-page" }, form));
  sdkappid.focus();
}

function showConsole(session: Session): void {
  const storedApp = Number(sessionStorage.getItem(APP_KEY));
  const context: ConsoleContext = {
    session,
    app: session.ManagesAllApps && storedApp > 0 ? storedApp : session.SdkAppId,
    switchApp: (sdkappid: number) => {
      context.app = sdkappid;
      sessionStorage.setItem(APP_KEY, String(sdkappid));
      renderHeader();
      route();
    },
  };

  const header = h("header", { class: "topbar" });
  const nav = h("nav", { "aria-label": "Console pages" });
  const main = h("main", { id: "main", tabindex: "-1" });

  function renderHeader(): void {
    const signOutButton = h("button", { type: "button" }, "Sign out");
    signOutButton.addEventListener("click", async () => {
      await signOut();
      showSignIn("");
    });
    replace(
      header,
      h("h1", {}, "tincan console"),
      h(
        "p",
        { class: "who" },
        "Signed in as ",
        h("strong", {}, session.Identifier),
        " ",
        h("span", { class: "nowrap" }, `of ${session.SdkAppId}`),
        context.app !== session.SdkAppId ? h("span", { class: "nowrap" }, " · managing ", h("strong", {}, String(context.app))) : null,
      ),
      signOutButton,
    );
  }

  function route(): void {
    teardown?.();
    const page = PAGES.find((candidate) => candidate.hash === location.hash) ?? PAGES[0];
    replace(
      nav,
      h(
        "ul",
        {},
        PAGES.map((candidate) =>
          h("li", {}, h("a", { href: candidate.hash, "aria-current": candidate === page ? "page" : null }, candidate.title)),
        ),
      ),
    );
    document.title = `${page.title} · tincan console`;
    replace(main);
    teardown = page.render(context, main);
  }

  renderHeader();
  // The skip link moves focus without touching the fragment, which names the page.
  const skip = h("a", { class: "skip-link", href: "#main" }, "Skip to the page");
  skip.addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  replace(root, skip, header, nav, main);
  window.onhashchange = () => {
    route();
    main.focus();
  };
  route();
}
