// The console's calls to the server: the session (sign-in with an administrator UserSig, kept as
// an HttpOnly cookie the page never sees) and the REST API behind it, which answers with TIM's
// envelope exactly as `POST /v4/<service>/<command>` does.

export interface Session {
  SdkAppId: number;
  Identifier: string;
  /** The server's first app, whose administrator manages every app. */
  ManagesAllApps: boolean;
}

/** A failed call, with TIM's error code. */
export class RestError extends Error {
  constructor(
    readonly code: number,
    readonly info: string,
  ) {
    super(`${info} (${code})`);
  }
}

/** Called when a call finds the session gone (it expired, or the key was rotated elsewhere). */
let onSignedOut: () => void = () => {};

export function whenSignedOut(callback: () => void): void {
  onSignedOut = callback;
}

const HEADERS = { "Content-Type": "application/json", "X-Tincan-Console": "1" };

interface Envelope {
  ActionStatus?: string;
  ErrorCode?: number;
  ErrorInfo?: string;
}

async function envelope<T>(response: Response): Promise<T> {
  let body: Envelope;
  try {
    body = (await response.json()) as Envelope;
  } catch {
    throw new RestError(response.status, `the server answered HTTP ${response.status}`);
  }
  if (body.ActionStatus !== "OK") {
    throw new RestError(body.ErrorCode ?? response.status, body.ErrorInfo ?? "the call failed");
  }
  return body as T;
}

/** The session this tab's cookie holds, or null before sign-in. */
export async function currentSession(): Promise<Session | null> {
  const response = await fetch("/console/api/session", { credentials: "same-origin", cache: "no-store" });
  if (response.status === 401) return null;
  return envelope<Session>(response);
}

export async function signIn(sdkappid: number, identifier: string, userSig: string): Promise<Session> {
  const response = await fetch("/console/api/session", {
    method: "POST",
    credentials: "same-origin",
    headers: HEADERS,
    body: JSON.stringify({ SdkAppId: sdkappid, Identifier: identifier, UserSig: userSig }),
  });
  return envelope<Session>(response);
}

export async function signOut(): Promise<void> {
  await fetch("/console/api/session", { method: "DELETE", credentials: "same-origin", headers: HEADERS });
}

/** A REST command as the signed-in administrator; `app` names another app (first app only). */
export async function rest<T = Record<string, unknown>>(
  service: string,
  command: string,
  body: object = {},
  app?: number,
): Promise<T> {
  const query = app === undefined ? "" : `?app=${app}`;
  const response = await fetch(`/console/api/rest/${service}/${command}${query}`, {
    method: "POST",
    credentials: "same-origin",
    headers: HEADERS,
    body: JSON.stringify(body),
  });
  if (response.status === 401) {
    onSignedOut();
    throw new RestError(401, "the console session ended; sign in again");
  }
  return envelope<T>(response);
}

/** REST's answer to a command this server does not have (yet). */
export const UNKNOWN_COMMAND = 60002;
