// The package's default export, as TIM's Web SDK has it: `create`, `EVENT`, `TYPES`, `TSignaling`
// and `VERSION`. Every entry point (`basic`, `standard`, `professional`) exports the same thing,
// since every capability is built in.

import { ChatSDK, type CreateOptions } from "./chat.js";
import { EVENT, TSignaling, TYPES } from "./constants.js";
import { VERSION } from "./version.js";

export type { ChatResponse, CreateOptions } from "./chat.js";
export { ChatSDK } from "./chat.js";
export { ChatError } from "./errors.js";
export { Message } from "./message.js";
export type { QuoteInfo, ReadReceiptInfo } from "./message.js";
export type { Conversation, Group, GroupMember, LastMessage, Profile } from "./objects.js";
export { EVENT, TSignaling, TYPES, VERSION };

/** Makes an SDK instance; each call makes a new one, so one page can log in several users. */
function create(options: CreateOptions): ChatSDK {
  const chat = new ChatSDK(options ?? ({} as CreateOptions));
  return (globalThis as { TINCAN_CHAT_DEBUG?: unknown }).TINCAN_CHAT_DEBUG ? traced(chat) : chat;
}

/**
 * The instance with every method call and its outcome written to the console, for finding out
 * what an app or a UIKit asks of the SDK (set `globalThis.TINCAN_CHAT_DEBUG` before `create`).
 */
function traced(chat: ChatSDK): ChatSDK {
  const show = (value: unknown) => {
    try {
      return JSON.stringify(value, (key, inner) => (key === "payload" || key === "lastMessage" ? "…" : inner))?.slice(0, 300);
    } catch {
      return String(value);
    }
  };
  return new Proxy(chat, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        if (result && typeof (result as Promise<unknown>).then === "function") {
          (result as Promise<unknown>).then(
            (answer) => console.debug(`[tincan-chat] ${property}(${show(args)}) ->`, show(answer)),
            (error: { code?: number; message?: string }) => console.debug(`[tincan-chat] ${property}(${show(args)}) !!`, error?.code, error?.message),
          );
        } else {
          console.debug(`[tincan-chat] ${property}(${show(args)})`, show(result));
        }
        return result;
      };
    },
  });
}

const TencentCloudChat = Object.freeze({ create, EVENT, TYPES, TSignaling, VERSION });

// TIM's typings make TencentCloudChat a namespace too, so that apps written in TypeScript can name
// its types through it (`TencentCloudChat.TYPES` for a conversation type, ...). These merge with
// the object above.
declare namespace TencentCloudChat {
  /** One of TIM's `TYPES` values. */
  type TYPES = (typeof TYPES)[keyof typeof TYPES];
  /** One of TIM's `EVENT` names. */
  type EVENT = (typeof EVENT)[keyof typeof EVENT];
  /** One of TIM's `TSignaling` values. */
  type TSignaling = (typeof TSignaling)[keyof typeof TSignaling];
  type ChatSDK = import("./chat.js").ChatSDK;
  type Message = import("./message.js").Message;
  type Conversation = import("./objects.js").Conversation;
  type Group = import("./objects.js").Group;
  type GroupMember = import("./objects.js").GroupMember;
  type Profile = import("./objects.js").Profile;
}

export default TencentCloudChat;
