// What every console page is given.

import type { Session } from "./api";

export interface ConsoleContext {
  session: Session;
  /** The app the pages show and change (another app only for the first app's administrator). */
  app: number;
  switchApp: (sdkappid: number) => void;
}

/** The `app` argument of a REST call for the app being managed: none for one's own app. */
export function appArg(context: ConsoleContext): number | undefined {
  return context.app === context.session.SdkAppId ? undefined : context.app;
}

/** An app as `tincan/get_app`, `list_apps` and `set_app_config` show it. */
export interface AppInfo {
  sdkappid: number;
  admin_identifier: string;
  plan: string;
  receipt_group_types: string[];
  receipt_coalesce_window_ms: number;
  receipt_group_members_max: number;
  /** Where TIM's webhooks are posted; `""` when they are off. */
  callback_url: string;
  /** The webhook commands enabled, by TIM's names. */
  callback_commands: string[];
  created_at: number;
  [key: string]: unknown;
}

export const PLANS = ["Standard", "Pro", "Ultimate"];
