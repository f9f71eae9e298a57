// How a TimRender reaches the SDK: directly through the native addon (Node, and Electron's main
// process), or through Electron's IPC to a TimMain in the main process (Electron renderers).
//
// Both carry the same two things: a call (a TIM method name and the JSON text of its parameter
// object, answered with the JSON text of TIM's result object, never with an exception) and
// batches of events (JSON text) for the app's callbacks.

/** One SDK instance as a TimRender sees it. */
export interface Transport {
  /** Runs a TIM method; resolves with the JSON text of TIM's result object and never rejects. */
  invoke(method: string, params: string): Promise<string>;
  /** Calls `listener` with every batch of events (JSON text of an array); returns an unsubscribe function. */
  onEvents(listener: (batch: string) => void): () => void;
}

/**
 * What an Electron preload script exposes to a renderer (as `window.tincanIM`, see
 * `tincan-im/dist/preload`), and what TimMain answers in the main process.
 */
export interface TincanBridge {
  invoke(instance: string, method: string, params: string): Promise<string>;
  subscribe(instance: string, listener: (batch: string) => void): void;
}

/** The JSON text of a failed TIM result made here (the SDK could not be reached at all). */
export function failure(code: number, desc: string): string {
  return JSON.stringify({ code, desc, json_param: "" });
}

/** The error code of a TIM result's JSON text (a result that cannot be read counts as failed). */
function codeOf(result: string): number {
  try {
    const parsed = JSON.parse(result) as { code?: unknown };
    return typeof parsed.code === "number" ? parsed.code : -1;
  } catch {
    return -1;
  }
}

interface Addon {
  openSession(): number;
  call(session: number, method: string, params: string): Promise<string>;
  nextEvents(session: number): Promise<string | null>;
}

let addon: Addon | undefined;
let addonError: string | undefined;

function loadAddon(): Addon | undefined {
  if (addon === undefined && addonError === undefined) {
    // No `path` module here: a renderer bundle that never loads the addon should not need one.
    const file = process.env.TINCAN_IM_ADDON || `${__dirname}/../tincan.node`;
    try {
      addon = require(file) as Addon;
    } catch (err) {
      addonError = `cannot load the native addon ${file}: ${(err as Error).message}`;
    }
  }
  return addon;
}

const ERR_SDK_NOT_INITIALIZED = 6013;

/**
 * One native SDK instance.
 *
 * While it is logged in, it keeps one `nextEvents` call pending (which keeps Node running, as
 * an open connection should) and hands each batch to its listeners.
 */
class NativeSession implements Transport {
  private readonly listeners = new Set<(batch: string) => void>();
  private session: number | undefined;
  private pumping = false;
  /** Whether the app is logged in, so events are expected. */
  private wanted = false;

  async invoke(method: string, params: string): Promise<string> {
    const native = loadAddon();
    if (native === undefined) {
      return failure(ERR_SDK_NOT_INITIALIZED, addonError ?? "the native addon is not loaded");
    }
    if (this.session === undefined) {
      this.session = native.openSession();
    }
    let result: string;
    try {
      result = await native.call(this.session, method, params);
    } catch (err) {
      // The addon resolves every call; this guards against a broken build.
      result = failure(7012, `the native addon failed: ${(err as Error).message}`);
    }
    const succeeded = codeOf(result) === 0;
    if (method === "TIMLogin") {
      // A TIMLogin that fails after reaching the SDK has ended the login before it, too.
      this.wanted = succeeded;
      if (succeeded) {
        this.pump();
      }
    } else if (succeeded && (method === "TIMLogout" || method === "TIMUninit" || method === "TIMInit")) {
      this.wanted = false;
    }
    return result;
  }

  onEvents(listener: (batch: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private pump(): void {
    const native = addon;
    const session = this.session;
    if (this.pumping || native === undefined || session === undefined) {
      return;
    }
    this.pumping = true;
    const next = (): void => {
      native.nextEvents(session).then(
        (batch) => {
          if (batch === null) {
            this.pumping = false;
            // A stale end (a login replaced by another) while still logged in: ask again, a
            // little later so that a session between two logins does not spin.
            if (this.wanted) {
              setTimeout(() => this.pump(), 10);
            }
            return;
          }
          this.deliver(batch);
          next();
        },
        (err: unknown) => {
          this.pumping = false;
          console.error("tincan-im: reading events failed", err);
        },
      );
    };
    next();
  }

  private deliver(batch: string): void {
    // The addon writes compact JSON, and quotes inside the strings of a batch are escaped, so
    // this finds exactly the `ended` events.
    if (batch.includes('"kind":"ended"')) {
      this.wanted = false;
    }
    for (const listener of this.listeners) {
      try {
        listener(batch);
      } catch (err) {
        console.error("tincan-im: an event listener threw", err);
      }
    }
  }
}

const nativeSessions = new Map<string, NativeSession>();

/** The native SDK instance called `instance` in this process. */
export function nativeTransport(instance: string): Transport {
  let session = nativeSessions.get(instance);
  if (session === undefined) {
    session = new NativeSession();
    nativeSessions.set(instance, session);
  }
  return session;
}

/** An SDK instance reached through Electron's IPC (a renderer talking to TimMain). */
class BridgeSession implements Transport {
  private readonly listeners = new Set<(batch: string) => void>();
  private subscribed = false;

  constructor(
    private readonly bridge: TincanBridge,
    private readonly instance: string,
  ) {}

  async invoke(method: string, params: string): Promise<string> {
    try {
      const result = await this.bridge.invoke(this.instance, method, params);
      return typeof result === "string" ? result : failure(7012, "the main process gave no result");
    } catch (err) {
      return failure(
        ERR_SDK_NOT_INITIALIZED,
        `the Electron main process did not answer (is a TimMain created there?): ${(err as Error).message}`,
      );
    }
  }

  onEvents(listener: (batch: string) => void): () => void {
    this.listeners.add(listener);
    if (!this.subscribed) {
      this.subscribed = true;
      this.bridge.subscribe(this.instance, (batch: string) => {
        for (const each of this.listeners) {
          try {
            each(batch);
          } catch (err) {
            console.error("tincan-im: an event listener threw", err);
          }
        }
      });
    }
    return () => this.listeners.delete(listener);
  }
}

const bridgeSessions = new WeakMap<TincanBridge, Map<string, BridgeSession>>();

/** The SDK instance called `instance`, reached through `bridge`. */
export function bridgeTransport(bridge: TincanBridge, instance: string): Transport {
  let sessions = bridgeSessions.get(bridge);
  if (sessions === undefined) {
    sessions = new Map();
    bridgeSessions.set(bridge, sessions);
  }
  let session = sessions.get(instance);
  if (session === undefined) {
    session = new BridgeSession(bridge, instance);
    sessions.set(instance, session);
  }
  return session;
}

/**
 * The transport for this process: the preload's bridge in an Electron renderer that has one,
 * the native addon everywhere else.
 */
export function transportFor(instance: string): Transport {
  const bridge = (globalThis as { tincanIM?: TincanBridge }).tincanIM;
  if (bridge !== undefined && typeof bridge.invoke === "function" && typeof bridge.subscribe === "function") {
    return bridgeTransport(bridge, instance);
  }
  return nativeTransport(instance);
}
