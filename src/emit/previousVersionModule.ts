/**
 * `<queue>.v<N>.ts`: the payload types of an older version a queue keeps
 * (config `previous`, issue 14 §3), so an upgrade step can be typed from
 * `<Queue>JobV<N>`. A module of their own, because a version's definitions
 * and titled subschemas often have the names the current version's have.
 * templates/previousVersion.ts.template holds the module's layout.
 */
import { bannerLine } from "./banner.js";
import { finishModule, separateDeclarations } from "./sourceFiles.js";
import { fillTemplate } from "./templates.js";

/** The module, from the version's payload types (json-schema-to-typescript's, see payloadTypes.ts). */
export function emitPreviousVersionModule(payloadTypes: string, configFile: string): string {
  return finishModule(
    fillTemplate("previousVersion.ts.template", {
      banner: bannerLine(configFile),
      payloadTypes: separateDeclarations(payloadTypes.trim()),
    }),
  );
}
