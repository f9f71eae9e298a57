// TimMain: the Electron main process's half of the package.
//
// Create one in the main process, before any window calls TIMInit; it answers the calls of every
// renderer's TimRender with the native addon and sends each window the events of the SDK
// instances it asked for. All windows share the SDK instance, as they share TIM's.

import { CHANNEL_EVENTS, CHANNEL_INVOKE, CHANNEL_SUBSCRIBE } from "./ipc";
import { nativeTransport } from "./transport";

/** What TimMain needs of a window's `webContents`. */
export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed?(): boolean;
  once?(event: "destroyed", listener: () => void): unknown;
}

/** What TimMain needs of Electron's `ipcMain`. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { sender: WebContentsLike }, ...args: any[]) => unknown): void;
  on(channel: string, listener: (event: { sender: WebContentsLike }, ...args: any[]) => void): unknown;
}

export interface TimMainConfig {
  /** Defaults for the renderers' TIMInit (TIM's TimMain takes the SDKAppID). */
  sdkappid?: number;
  /** tincan: the default server address for the renderers' TIMInit. */
  server_address?: string;
  /** tincan: the default request timeout for the renderers' TIMInit. */
  request_timeout_ms?: number;
  /** Electron's `ipcMain`; taken from `require("electron")` when not given. */
  ipcMain?: IpcMainLike;
}

export default class TimMain {
  private readonly defaults: Record<string, unknown>;
  private readonly subscribed = new WeakMap<WebContentsLike, Set<string>>();

  constructor(config: TimMainConfig = {}) {
    const { ipcMain: given, ...defaults } = config;
    this.defaults = Object.fromEntries(Object.entries(defaults).filter(([, value]) => value !== undefined));
    const ipcMain = given ?? (require("electron") as { ipcMain: IpcMainLike }).ipcMain;
    ipcMain.handle(CHANNEL_INVOKE, (_event, instance: unknown, method: unknown, params: unknown) =>
      this.invoke(String(instance), String(method), String(params)),
    );
    ipcMain.on(CHANNEL_SUBSCRIBE, (event, instance: unknown) => this.subscribe(event.sender, String(instance)));
  }

  private invoke(instance: string, method: string, params: string): Promise<string> {
    return nativeTransport(instance).invoke(method, method === "TIMInit" ? this.withDefaults(params) : params);
  }

  /** The renderer's TIMInit parameters over TimMain's defaults. */
  private withDefaults(params: string): string {
    try {
      const given: unknown = JSON.parse(params);
      if (given === null) {
        return JSON.stringify(this.defaults);
      }
      if (typeof given === "object" && !Array.isArray(given)) {
        return JSON.stringify({ ...this.defaults, ...given });
      }
    } catch {
      // Not JSON: the SDK reports it.
    }
    return params;
  }

  private subscribe(sender: WebContentsLike, instance: string): void {
    let instances = this.subscribed.get(sender);
    if (instances === undefined) {
      instances = new Set();
      this.subscribed.set(sender, instances);
    }
    if (instances.has(instance)) {
      return;
    }
    instances.add(instance);
    const unsubscribe = nativeTransport(instance).onEvents((batch) => {
      if (sender.isDestroyed?.()) {
        unsubscribe();
        return;
      }
      sender.send(CHANNEL_EVENTS, instance, batch);
    });
    sender.once?.("destroyed", unsubscribe);
  }
}

// Node's `import TimMain from "tincan-im/dist/main"` in an ES module takes `module.exports` as the
// default export: make it the class, as `.default` is for CommonJS and TypeScript.
module.exports = TimMain;
Object.defineProperty(TimMain, "default", { value: TimMain });
Object.defineProperty(TimMain, "__esModule", { value: true });
