// lite-chat's plugins (`@tencentcloud/lite-chat/plugins/<name>`), as objects `use()` accepts and
// ignores: every capability they add to TIM's SDK is built into this one.

export interface Plugin {
  readonly name: string;
  install(): void;
}

export function plugin(name: string): Plugin {
  return Object.freeze({ name, install() {} });
}
