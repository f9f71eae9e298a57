import { module } from "./module.js";

export default module("relationship-module");
