import { module } from "./module.js";

export default module("group-module");
