import { plugin } from "./plugin.js";

export default plugin("rich-media-message");
