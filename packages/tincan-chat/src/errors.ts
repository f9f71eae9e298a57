// Errors as TIM's Web SDK gives them: an `Error` with TIM's numeric `code` and a `message`, and
// `data` when there is something to hand back (the message that failed to send).

/** TIM's error codes that the package itself produces; the server's codes pass through as sent. */
export const CODE = Object.freeze({
  /** No SDKAppID in the create options. */
  NO_SDKAPPID: 2000,
  /** `login` without a userID. */
  NO_USERID: 2002,
  /** `login` without a UserSig. */
  NO_USERSIG: 2003,
  /** A call that needs a logged-in user before `login` (or after `logout`). */
  USER_NOT_LOGGED_IN: 2024,
  /** `login` while this instance is already logged in as that user. */
  REPEAT_LOGIN: 2025,
  /** `sendMessage` was not given a message made by `create*Message`. */
  MSG_INSTANCE_REQUIRED: 2105,
  /** A message whose conversation type is neither C2C nor GROUP. */
  MSG_INVALID_CONV_TYPE: 2106,
  /** `sendMessageReadReceipt` with no message left that asks the user for a receipt. */
  READ_RECEIPT_MSG_LIST_EMPTY: 2114,
  /** `modifyMessage`: the message was modified meanwhile; `data.message` is the message as it is now. */
  MSG_MODIFY_CONFLICT: 2480,
  /** The connection was lost before the server answered. */
  NETWORK_ERROR: 2800,
  /** The server did not answer in time. */
  NETWORK_TIMEOUT: 2801,
  /** An experimental API this SDK does not know. */
  INVALID_OPERATION: 2905,
  /** A parameter is missing, of the wrong type or out of range (TIM's SDK-wide code). */
  INVALID_PARAMETERS: 6017,
  /**
   * The feature is not enabled: TIM's answer when an app's plan does not include a capability.
   * Here: the tincan server does not have the capability (yet).
   */
  FEATURE_NOT_ENABLED: 60020,
});

/** What every promise of the SDK rejects with. */
export class ChatError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = "ChatError";
    this.code = code;
    this.data = data;
  }
}

export function invalid(method: string, message: string): ChatError {
  return new ChatError(CODE.INVALID_PARAMETERS, `${method}: ${message}`);
}

/** The rejection of a method whose capability the server does not have; `reason` says which. */
export function notEnabled(method: string, reason: string): ChatError {
  return new ChatError(CODE.FEATURE_NOT_ENABLED, `${method}: the feature is not enabled on this tincan server (${reason})`);
}
