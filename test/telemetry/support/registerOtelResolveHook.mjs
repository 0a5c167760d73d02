import { register } from "node:module";

register("./otelResolveHook.mjs", import.meta.url);
