// The preload half of the package: gives TimRender in a renderer a bridge to TimMain.
//
// In the window's preload script, `require("tincan-im/dist/preload")` exposes the bridge as
// `window.tincanIM` (through `contextBridge` when the window isolates contexts), which TimRender
// finds by itself. A preload that assembles its own bridge can call `createBridge`.

import { CHANNEL_EVENTS, CHANNEL_INVOKE, CHANNEL_SUBSCRIBE } from "./ipc";
import type { TincanBridge } from "./transport";

/** What the bridge needs of Electron's `ipcRenderer`. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: any[]) => void): unknown;
}

export type { TincanBridge };

/** A bridge over `ipcRenderer` to the TimMain of the main process. */
export function createBridge(ipcRenderer: IpcRendererLike): TincanBridge {
  const listeners = new Map<string, Set<(batch: string) => void>>();
  ipcRenderer.on(CHANNEL_EVENTS, (_event: unknown, instance: unknown, batch: unknown) => {
    for (const listener of listeners.get(String(instance)) ?? []) {
      listener(String(batch));
    }
  });
  return {
    invoke: (instance, method, params) =>
      ipcRenderer.invoke(CHANNEL_INVOKE, instance, method, params) as Promise<string>,
    subscribe: (instance, listener) => {
      let set = listeners.get(instance);
      if (set === undefined) {
        set = new Set();
        listeners.set(instance, set);
        ipcRenderer.send(CHANNEL_SUBSCRIBE, instance);
      }
      set.add(listener);
    },
  };
}

/** Exposes the bridge to the window as `tincanIM`. */
export function exposeBridge(electron?: {
  ipcRenderer: IpcRendererLike;
  contextBridge?: { exposeInMainWorld(key: string, api: unknown): void };
}): void {
  const { ipcRenderer, contextBridge } = electron ?? (require("electron") as Required<NonNullable<typeof electron>>);
  const bridge = createBridge(ipcRenderer);
  try {
    if (contextBridge === undefined) {
      throw new Error("no contextBridge");
    }
    contextBridge.exposeInMainWorld("tincanIM", bridge);
  } catch {
    // A window without context isolation shares the preload's global object.
    (globalThis as { tincanIM?: TincanBridge }).tincanIM = bridge;
  }
}

// Loaded as a preload script (Electron marks its renderer processes), expose the bridge at once.
if ((process as { type?: string }).type === "renderer") {
  exposeBridge();
}
