import { module } from "./module.js";

export default module("cloud-search-module");
