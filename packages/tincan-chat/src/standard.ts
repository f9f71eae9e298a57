// The `standard` entry point of lite-chat: the same SDK as every other entry point.
export * from "./index.js";
export { default } from "./index.js";
