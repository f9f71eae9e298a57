// @tencentcloud/chat's modules (`@tencentcloud/chat/modules/<name>.js`), which apps hand to
// `registerPlugin`; it accepts and ignores them, since every capability is built in.

export interface Module {
  readonly name: string;
}

export function module(name: string): Module {
  return Object.freeze({ name });
}
