// tincan's WebSocket protocol (docs/protocol.md), as the Rust SDK speaks it: login, requests
// matched to answers by id, pushes dropped when at or below the last position delivered, the
// heartbeat, and reconnecting with backoff and `resume_pos` so that nothing is lost and nothing
// is delivered twice. Requests that were sent but not answered when the connection dropped are
// sent again when the protocol says a repeat is safe, and fail otherwise.

import { ChatError, CODE } from "./errors.js";

/** The parts of the WebSocket API this uses, so that Node's and a browser's both fit. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface ConnectionConfig {
  url: string;
  sdkAppID: number;
  userID: string;
  userSig: string;
  openSocket: SocketFactory;
  /** The longest a request waits for its answer, reconnections included. */
  requestTimeoutMs: number;
}

export interface LoginAnswer {
  tiny_id: number;
  pos: number;
  server_time: number;
  heartbeat_interval_ms: number;
}

/** What the connection tells its owner. */
export interface ConnectionEvents {
  /** A push of the user's stream (or `synced`/`kicked`), after deduplication. */
  push(kind: string, data: any, pos: number): void;
  /** A (re)connection logged in. */
  connected(answer: LoginAnswer, resumed: boolean): void;
  /** The connection dropped; it reconnects by itself. */
  disconnected(): void;
  /** The session is over and will not reconnect (kicked, or credentials no longer accepted). */
  ended(error: ChatError): void;
}

interface Pending {
  op: string;
  data: unknown;
  idempotent: boolean;
  sent: boolean;
  retryAt: number | null;
  deadline: number;
  resolve(data: any): void;
  reject(error: ChatError): void;
}

const OPEN = 1;
/** Kicks after which the client reconnects and resumes: a slow connection, a server restart. */
const RESUMABLE_KICKS = new Set([65004, 9508]);
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;
/** How long to wait before asking again for a request whose first attempt is still stored. */
const IN_PROGRESS_RETRY_MS = 100;
const SWEEP_MS = 250;

/** Login failures that no retry cures: the UserSig, the app or the identifier. */
function isFatalLogin(code: number): boolean {
  return (code >= 70000 && code < 80000) || code === 7003;
}

export class Connection {
  /** The position of the last push delivered; null for a fresh device before its first login. */
  lastPos: number | null = null;

  private socket: SocketLike | null = null;
  private loggedIn = false;
  private stopped = false;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private backoffMs = BACKOFF_MIN_MS;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private sweepTimer: ReturnType<typeof setInterval> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingInFlight = false;
  /** The id of the last heartbeat's ping; its answer goes to no caller. */
  private pingId = -1;
  /**
   * Closes the current socket and handles the disconnection at once. A socket closed by this
   * side is not waited for: its close event can come late (after the closing handshake times out
   * on a dead network) or, for one still connecting, not at all in some runtimes.
   */
  private abandonSocket: (() => void) | null = null;

  constructor(
    private readonly config: ConnectionConfig,
    private readonly events: ConnectionEvents,
  ) {}

  /** Connects and logs in; rejects with the login's error when the first login fails. */
  start(): Promise<LoginAnswer> {
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
    return new Promise((resolve, reject) => {
      this.connect({ resolve, reject });
    });
  }

  /**
   * Sends a request and resolves with its answer's `data`. While disconnected the request waits
   * for the next connection, up to the request timeout.
   */
  request<T = any>(op: string, data: unknown, idempotent: boolean): Promise<T> {
    if (this.stopped) {
      return Promise.reject(new ChatError(CODE.USER_NOT_LOGGED_IN, "the user is not logged in"));
    }
    return new Promise<T>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, {
        op,
        data,
        idempotent,
        sent: false,
        retryAt: null,
        deadline: Date.now() + this.config.requestTimeoutMs,
        resolve,
        reject,
      });
      if (this.loggedIn) this.send(id);
    });
  }

  /** Logs out (briefly waiting for the answer) and stops for good. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    if (this.loggedIn) {
      const logout = this.request("logout", {}, false).catch(() => undefined);
      await Promise.race([logout, new Promise((resolve) => setTimeout(resolve, 1000))]);
    }
    this.shutdown(new ChatError(CODE.USER_NOT_LOGGED_IN, "logged out"));
  }

  /** Drops the connection as if the network had failed; it reconnects and resumes (for tests). */
  dropForTest(): void {
    this.abandonSocket?.();
  }

  private connect(first?: { resolve(answer: LoginAnswer): void; reject(error: ChatError): void }): void {
    let socket: SocketLike;
    try {
      socket = this.config.openSocket(this.config.url);
    } catch (error) {
      const failure = new ChatError(CODE.NETWORK_ERROR, `cannot open ${this.config.url}: ${String(error)}`);
      if (first) {
        this.shutdown(failure);
        first.reject(failure);
      } else {
        this.scheduleReconnect();
      }
      return;
    }
    this.socket = socket;
    let settledFirst = false;
    const onClose = () => {
      clearTimeout(loginDeadline);
      if (this.socket !== socket) return;
      this.socket = null;
      this.abandonSocket = null;
      const wasLoggedIn = this.loggedIn;
      this.loggedIn = false;
      this.stopHeartbeat();
      if (first && !settledFirst) {
        const error = new ChatError(CODE.NETWORK_ERROR, `cannot connect to ${this.config.url}`);
        this.shutdown(error);
        first.reject(error);
        return;
      }
      if (this.stopped) return;
      this.afterDisconnect();
      if (wasLoggedIn) this.events.disconnected();
      this.scheduleReconnect();
    };
    const abandon = () => {
      // The socket's handlers go first: Node's WebSocket reports a socket closed while still
      // connecting with an `error` event from inside close() (and again from a close() made in
      // that handler), which would otherwise re-enter here until the stack overflowed.
      socket.onopen = null;
      socket.onmessage = null;
      socket.onerror = null;
      socket.onclose = null;
      try {
        socket.close();
      } catch {
        // Closing a socket that is already closing is not an error worth reporting.
      }
      onClose();
    };
    this.abandonSocket = abandon;
    const loginDeadline = setTimeout(() => {
      if (this.socket === socket && !this.loggedIn) abandon();
    }, this.config.requestTimeoutMs);
    socket.onopen = () => {
      const resumePos = this.lastPos;
      const login = {
        id: 0,
        op: "login",
        data: {
          sdkappid: this.config.sdkAppID,
          identifier: this.config.userID,
          user_sig: this.config.userSig,
          resume_pos: resumePos,
          platform: 0,
        },
      };
      socket.send(JSON.stringify(login));
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      let frame: any;
      try {
        frame = JSON.parse(String(event.data));
      } catch {
        return;
      }
      if (!this.loggedIn) {
        if (frame.id !== 0 || typeof frame.push === "string") return;
        clearTimeout(loginDeadline);
        if (frame.code !== 0) {
          const error = new ChatError(frame.code ?? 7012, frame.desc || "login failed");
          if (first) {
            settledFirst = true;
            this.shutdown(error);
            first.reject(error);
          } else if (isFatalLogin(error.code)) {
            this.shutdown(error);
            this.events.ended(error);
          } else {
            abandon();
          }
          return;
        }
        const answer = frame.data as LoginAnswer;
        const resumed = this.lastPos !== null;
        // A fresh device starts from the login's position; the server replays from at most its
        // newest position.
        this.lastPos = this.lastPos === null ? answer.pos : Math.min(this.lastPos, answer.pos);
        this.loggedIn = true;
        this.backoffMs = BACKOFF_MIN_MS;
        this.startHeartbeat(answer.heartbeat_interval_ms);
        if (first) {
          settledFirst = true;
          first.resolve(answer);
        }
        this.events.connected(answer, resumed);
        // Requests queued while disconnected (or unanswered before the drop) go now, in order.
        const unsent = [...this.pending.entries()].filter(([, p]) => !p.sent).map(([id]) => id);
        for (const id of unsent.sort((a, b) => a - b)) this.send(id);
        return;
      }
      this.receive(frame);
    };
    // Browsers follow an error with a close event; some runtimes never do for a connection that
    // failed to open, so an error is handled as the close it means.
    socket.onerror = () => abandon();
    socket.onclose = onClose;
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private receive(frame: any): void {
    if (typeof frame.push === "string") {
      const pos = typeof frame.pos === "number" ? frame.pos : 0;
      if (pos > 0 && this.lastPos !== null && pos <= this.lastPos) return;
      const kind: string = frame.push;
      const data = frame.data ?? {};
      if (kind === "kicked") {
        const code = Number(data.code);
        if (RESUMABLE_KICKS.has(code)) {
          // The server closes the connection next; the close reconnects.
          return;
        }
        const error = new ChatError(code || 6208, String(data.desc ?? "the server ended the session"));
        this.shutdown(error);
        this.events.ended(error);
        return;
      }
      try {
        this.events.push(kind, data, pos);
      } finally {
        if (pos > 0) this.lastPos = Math.max(this.lastPos ?? 0, pos);
        if (kind === "synced" && typeof data.pos === "number") {
          this.lastPos = Math.max(this.lastPos ?? 0, data.pos);
        }
      }
      return;
    }
    if (typeof frame.id !== "number") return;
    if (frame.id === this.pingId) {
      this.pingInFlight = false;
      return;
    }
    const pending = this.pending.get(frame.id);
    if (!pending) return;
    if (frame.code === 6015 && pending.idempotent && Date.now() + IN_PROGRESS_RETRY_MS < pending.deadline) {
      // An earlier attempt (sent before a reconnect) is still being stored: ask again shortly.
      pending.sent = false;
      pending.retryAt = Date.now() + IN_PROGRESS_RETRY_MS;
      return;
    }
    this.pending.delete(frame.id);
    if (frame.code === 0) {
      pending.resolve(frame.data ?? {});
    } else {
      pending.reject(new ChatError(frame.code ?? 7012, frame.desc || `${pending.op} failed`));
    }
  }

  private send(id: number): void {
    const pending = this.pending.get(id);
    const socket = this.socket;
    if (!pending || !socket || socket.readyState !== OPEN || !this.loggedIn) return;
    pending.sent = true;
    pending.retryAt = null;
    socket.send(JSON.stringify({ id, op: pending.op, data: pending.data }));
  }

  /** After a lost connection: requests whose outcome is unknown fail unless a repeat is safe. */
  private afterDisconnect(): void {
    for (const [id, pending] of this.pending) {
      if (pending.sent && !pending.idempotent) {
        this.pending.delete(id);
        pending.reject(
          new ChatError(
            CODE.NETWORK_ERROR,
            `the connection was lost before the answer to ${pending.op}; it may or may not have been applied`,
          ),
        );
      } else {
        pending.sent = false;
      }
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, pending] of this.pending) {
      if (pending.deadline <= now) {
        this.pending.delete(id);
        pending.reject(new ChatError(CODE.NETWORK_TIMEOUT, `no answer to ${pending.op} in time`));
      } else if (!pending.sent && pending.retryAt !== null && pending.retryAt <= now) {
        this.send(id);
      }
    }
  }

  private startHeartbeat(intervalMs: number): void {
    this.stopHeartbeat();
    this.pingInFlight = false;
    this.heartbeatTimer = setInterval(
      () => {
        const socket = this.socket;
        if (!socket || socket.readyState !== OPEN) return;
        if (this.pingInFlight) {
          // A whole interval without the answer to the last ping: the connection is dead even if
          // the network has not said so. Reconnecting resumes without loss.
          this.abandonSocket?.();
          return;
        }
        this.pingInFlight = true;
        this.pingId = this.nextId++;
        socket.send(JSON.stringify({ id: this.pingId, op: "ping", data: {} }));
      },
      Math.max(intervalMs || 20_000, 1000),
    );
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private shutdown(error: ChatError): void {
    this.stopped = true;
    this.loggedIn = false;
    this.stopHeartbeat();
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    this.socket = null;
    this.abandonSocket = null;
    try {
      socket?.close();
    } catch {
      // Closing a socket that is already closing is not an error worth reporting.
    }
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
