// tincan's home page: the links are in the HTML; this fills in the addresses as this browser
// reaches the server and says whether the server is healthy.

import "../shared/base.css";
import "./home.css";

import { byId, status } from "../shared/dom";

const wsScheme = location.protocol === "https:" ? "wss:" : "ws:";
byId("ws-url").textContent = `${wsScheme}//${location.host}/ws`;
byId("rest-url").textContent = `${location.origin}/v4/<service>/<command>`;

void checkHealth();

async function checkHealth(): Promise<void> {
  const line = byId("health");
  try {
    const answer = await fetch("/healthz", { cache: "no-store" });
    const text = (await answer.text()).trim();
    if (answer.ok) status(line, "The server is up and storing what it is sent.", "ok");
    else status(line, `The server is unhealthy: ${text} (HTTP ${answer.status}).`, "error");
  } catch (error) {
    status(line, `The server did not answer: ${String(error)}`, "error");
  }
}
