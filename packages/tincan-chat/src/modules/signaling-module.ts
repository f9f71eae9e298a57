import { module } from "./module.js";

export default module("signaling-module");
