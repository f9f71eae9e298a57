// The chat client's side of tincan's WebSocket protocol (docs/protocol.md): login, requests
// matched to responses by id, pushes deduplicated by position, the heartbeat, and reconnecting
// with `resume_pos` so that nothing is lost or shown twice.

export interface Credentials {
  sdkappid: number;
  identifier: string;
  userSig: string;
}

export interface Push {
  push: string;
  pos: number;
  // Each kind of push has its own payload; the caller reads the keys it knows.
  data: any;
}

export type ConnectionState = "connecting" | "online" | "offline" | "stopped";

/** A failed response, with TIM's code. */
export class ProtocolError extends Error {
  constructor(
    readonly code: number,
    readonly desc: string,
  ) {
    super(`${desc} (${code})`);
  }
}

/** Codes after which the client reconnects and resumes. */
const RESUMABLE_KICKS = new Set([65004, 9508]);
/** Login failures that no retry will cure: the UserSig, the app or the identifier. */
const FATAL_LOGIN = new Set([7003, 70001, 70002, 70003, 70009, 70013, 70014, 70020]);
const HEARTBEAT_MS = 20_000;
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;

interface Pending {
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
}

export class ChatClient {
  onPush: (push: Push) => void = () => {};
  onState: (state: ConnectionState, detail: string) => void = () => {};

  private socket: WebSocket | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  /** The position of the last push delivered; 0 before the first login. */
  private lastPos = 0;
  private heartbeat: number | undefined;
  private backoffMs = BACKOFF_MIN_MS;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly credentials: Credentials,
  ) {}

  /** Connects and logs in; rejects with the login's error if the first login fails. */
  start(): Promise<void> {
    return this.connect();
  }

  /** Sends a request and waits for its response's `data`. */
  request<T = unknown>(op: string, data: object = {}): Promise<T> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new ProtocolError(9508, "not connected; reconnecting"));
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (data: unknown) => void, reject });
      socket.send(JSON.stringify({ id, op, data }));
    });
  }

  /** Logs out and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopped = true;
    try {
      await Promise.race([this.request("logout"), new Promise((resolve) => setTimeout(resolve, 500))]);
    } catch {
      // The connection is going away either way.
    }
    this.close("signed out");
  }

  private connect(): Promise<void> {
    this.onState("connecting", "");
    const socket = new WebSocket(this.url);
    this.socket = socket;
    return new Promise<void>((resolve, reject) => {
      let loggedIn = false;
      socket.onopen = () => {
        const id = this.nextId++;
        this.pending.set(id, {
          resolve: (data) => {
            loggedIn = true;
            const login = data as { pos: number };
            // A fresh device starts from the login's position; a resuming one keeps its own.
            if (this.lastPos === 0) this.lastPos = login.pos;
            this.backoffMs = BACKOFF_MIN_MS;
            this.startHeartbeat();
            this.onState("online", "");
            resolve();
          },
          reject: (error) => {
            reject(error);
            // A first login that fails, or one whose credentials no longer work, ends the session.
            const fatal = error instanceof ProtocolError && FATAL_LOGIN.has(error.code);
            if (fatal || this.lastPos === 0) {
              this.stopped = true;
              this.close(error instanceof ProtocolError ? error.desc : error.message);
            } else {
              socket.close();
            }
          },
        });
        socket.send(
          JSON.stringify({
            id,
            op: "login",
            data: {
              sdkappid: this.credentials.sdkappid,
              identifier: this.credentials.identifier,
              user_sig: this.credentials.userSig,
              resume_pos: this.lastPos === 0 ? null : this.lastPos,
            },
          }),
        );
      };
      socket.onmessage = (event) => this.receive(String(event.data));
      socket.onclose = () => {
        if (this.socket !== socket) return;
        this.socket = null;
        this.stopHeartbeat();
        for (const pending of this.pending.values()) {
          pending.reject(new ProtocolError(9508, "the connection closed"));
        }
        this.pending.clear();
        if (!loggedIn && this.lastPos === 0) {
          reject(new ProtocolError(9508, "could not connect to the server"));
        }
        if (this.stopped) {
          this.onState("stopped", "");
          return;
        }
        this.onState("offline", "reconnecting");
        const delay = this.backoffMs;
        this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
        setTimeout(() => {
          if (!this.stopped) this.connect().catch(() => {});
        }, delay);
      };
    });
  }

  private receive(text: string): void {
    let frame: { id?: number; code?: number; desc?: string; data?: unknown; push?: string; pos?: number };
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof frame.push === "string") {
      const push = frame as Push;
      if (push.pos > 0) {
        if (push.pos <= this.lastPos) return;
        this.lastPos = push.pos;
      }
      if (push.push === "synced" && typeof push.data?.pos === "number") {
        this.lastPos = Math.max(this.lastPos, push.data.pos);
      }
      if (push.push === "kicked") {
        const code = Number(push.data?.code);
        if (!RESUMABLE_KICKS.has(code)) {
          this.stopped = true;
          this.onState("stopped", String(push.data?.desc ?? "signed out by the server"));
        }
      }
      this.onPush(push);
      return;
    }
    if (typeof frame.id !== "number") return;
    const pending = this.pending.get(frame.id);
    if (!pending) return;
    this.pending.delete(frame.id);
    if (frame.code === 0) {
      pending.resolve(frame.data ?? {});
    } else {
      pending.reject(new ProtocolError(frame.code ?? 7012, frame.desc ?? "request failed"));
    }
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeat = window.setInterval(() => {
      this.request("ping").catch(() => {});
    }, HEARTBEAT_MS);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== undefined) window.clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private close(reason: string): void {
    this.stopHeartbeat();
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.onState("stopped", reason);
  }
}
