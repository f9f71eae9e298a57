// The IPC channels between TimRender in an Electron renderer and TimMain in the main process.

/** Renderer to main (invoke): `(instance, method, params JSON)`, answered with TIM's result as JSON. */
export const CHANNEL_INVOKE = "tincan-im:invoke";
/** Renderer to main (send): `(instance)`, asking for that instance's events. */
export const CHANNEL_SUBSCRIBE = "tincan-im:subscribe";
/** Main to renderer (send): `(instance, batch JSON)`. */
export const CHANNEL_EVENTS = "tincan-im:events";
