// The app: Tencent's chat-uikit-react as its documentation assembles it (a conversation list
// beside a chat with its header, messages and input), signed in with the user, UserSig and
// SDKAppID given in the page's address. Its one change for tincan is the server address
// (`tincanURL`) in the login options, which the kit hands on to create(). `open` names a
// conversation to open once signed in, as an app does with the kit's setActiveConversation.

import { createElement as h, useEffect } from "react";
import { createRoot } from "react-dom/client";
import {
  Chat,
  ChatHeader,
  ConversationList,
  MessageInput,
  MessageList,
  UIKitProvider,
  useConversationListState,
  useLoginState,
} from "@tencentcloud/chat-uikit-react";

const params = new URLSearchParams(location.search);
const config = {
  SDKAppID: Number(params.get("sdkappid")),
  userID: params.get("user"),
  userSig: params.get("sig"),
  tincanURL: params.get("server"),
};
const open = params.get("open");

function App() {
  const { status, error } = useLoginState(config);
  const { setActiveConversation } = useConversationListState();
  useEffect(() => {
    if (status === "success" && open) setActiveConversation(open);
  }, [status]);
  // The kit's stores take the logged-in SDK when they are made, so its components mount once the
  // login has succeeded, as in Tencent's examples.
  const signedIn = status === "success";
  return h(
    UIKitProvider,
    { language: "en-US", theme: "light" },
    h("div", { id: "login-status", "data-status": String(status), hidden: true }, error ? String(error.message) : ""),
    signedIn &&
      h(
      "div",
      { style: { display: "flex", height: "100vh" } },
      h("div", { style: { width: "320px", borderRight: "1px solid #ddd", display: "flex", flexDirection: "column" } }, h(ConversationList, null)),
      h(
        "div",
        { style: { flex: 1, display: "flex", flexDirection: "column", minWidth: 0 } },
        h(Chat, null, h(ChatHeader, null), h(MessageList, { enableReadReceipt: true }), h(MessageInput, null)),
      ),
    ),
  );
}

createRoot(document.getElementById("root")).render(h(App));
