// A module resolve hook for telemetry.absent.test.ts's child process: records every
// resolution of an @opentelemetry/ package in OTEL_HOOK_LOG ("attempt <specifier>", then
// "load <url>" for one that resolved), and with OTEL_HOOK_BLOCK=1 fails them as Node does
// for a package that is not installed.
import { appendFileSync } from "node:fs";

const log = process.env.OTEL_HOOK_LOG;
const block = process.env.OTEL_HOOK_BLOCK === "1";

export async function resolve(specifier, context, next) {
  const otel = specifier.startsWith("@opentelemetry/");
  if (otel) {
    appendFileSync(log, `attempt ${specifier}\n`);
    if (block) {
      const error = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL}`);
      error.code = "ERR_MODULE_NOT_FOUND";
      throw error;
    }
  }
  const resolved = await next(specifier, context);
  if (resolved.url.includes("/@opentelemetry/")) appendFileSync(log, `load ${resolved.url}\n`);
  return resolved;
}
