import { plugin } from "./plugin.js";

export default plugin("offline-message-synchronizer");
