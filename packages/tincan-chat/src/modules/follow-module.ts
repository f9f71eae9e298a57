import { module } from "./module.js";

export default module("follow-module");
