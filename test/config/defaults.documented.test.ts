/**
 * Defaults are written once (packages/runtime/src/defaults.ts, src/config/defaults.ts),
 * and the config's documentation states the same values: every
 * `(Default: X)` of a config option in src/config/types.ts is read with the
 * TypeScript compiler and compared with the value the code applies.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { CONFIG_DEFAULTS, QUEUE_EVOLUTION_DEFAULTS } from "../../src/config/defaults.js";
import { QUEUE_DEFAULTS } from "../../packages/runtime/src/defaults.js";

const typesFile = fileURLToPath(new URL("../../src/config/types.ts", import.meta.url));

/** `{ interface: { property: "the text after (Default: " } }`, from the TSDoc of each property. */
function documentedDefaults(): Record<string, Record<string, string>> {
  const source = ts.createSourceFile(typesFile, readFileSync(typesFile, "utf8"), ts.ScriptTarget.Latest, true);
  const found: Record<string, Record<string, string>> = {};
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node)) return;
    const members: Record<string, string> = {};
    for (const member of node.members) {
      if (!ts.isPropertySignature(member)) continue;
      const doc = ts
        .getJSDocCommentsAndTags(member)
        .map((comment) => comment.getText())
        .join("\n")
        .replace(/\n\s*\*\s?/g, " ");
      // The comment ends `(Default: X) */` (one line) or `(Default: X) /` once its `*` lines are joined.
      const match = /\(Default: (.*)\)\s*\*?\/\s*$/.exec(doc);
      if (match !== null) members[member.name.getText()] = match[1]!;
    }
    found[node.name.text] = members;
  });
  return found;
}

/** The documented text as a value: `none` is null, a quoted or backticked literal is evaluated. */
function documentedValue(text: string): unknown {
  if (text === "none") return null;
  const literal = text.replace(/^`(.*)`$/, "$1");
  return new Function(`return (${literal});`)() as unknown;
}

describe("documented defaults", () => {
  const documented = documentedDefaults();

  it("issue 13 #2: each queue option's documented default is QUEUE_DEFAULTS'", () => {
    const queue = documented.QueueConfig!;
    for (const option of [
      "visibilityTimeout",
      "maxRetries",
      "backoff",
      "onSuccess",
      "deadLetter",
      "transactional",
      "jobTimeout",
      "archiveRetention",
    ] as const) {
      expect(queue[option], `QueueConfig.${option} documents a default`).toBeDefined();
      expect(documentedValue(queue[option]!), `QueueConfig.${option}`).toEqual(QUEUE_DEFAULTS[option]);
    }
    const backoff = documented.ExponentialBackoffConfig!;
    for (const option of ["initial", "factor", "max", "jitter"] as const) {
      expect(documentedValue(backoff[option]!), `ExponentialBackoffConfig.${option}`).toEqual(
        QUEUE_DEFAULTS.backoff[option],
      );
    }
  });

  it("issue 13 #2: each project option's documented default is CONFIG_DEFAULTS'", () => {
    const project = documented.PgmqGenConfig!;
    for (const option of Object.keys(CONFIG_DEFAULTS) as (keyof typeof CONFIG_DEFAULTS)[]) {
      expect(documentedValue(project[option]!), `PgmqGenConfig.${option}`).toEqual(CONFIG_DEFAULTS[option]);
    }
  });

  it("issue 14 #3: each schema-evolution option's documented default is QUEUE_EVOLUTION_DEFAULTS'", () => {
    const queue = documented.QueueConfig!;
    for (const option of Object.keys(QUEUE_EVOLUTION_DEFAULTS) as (keyof typeof QUEUE_EVOLUTION_DEFAULTS)[]) {
      expect(queue[option], `QueueConfig.${option} documents a default`).toBeDefined();
      expect(documentedValue(queue[option]!), `QueueConfig.${option}`).toEqual(QUEUE_EVOLUTION_DEFAULTS[option]);
    }
  });
});
