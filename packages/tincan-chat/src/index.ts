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
  return new ChatSDK(options ?? ({} as CreateOptions));
}

const TencentCloudChat = Object.freeze({ create, EVENT, TYPES, TSignaling, VERSION });

export default TencentCloudChat;
