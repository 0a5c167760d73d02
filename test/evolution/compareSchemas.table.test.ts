/**
 * compareSchemas against the table of old/new pairs (compatibilityTable.ts):
 * each pair's verdict in every mode, and every change it reports.
 */
import { compareSchemas, type CompatibilityMode, type SchemaDraft } from "pgmq-gen/compiler";
import { describe, expect, test } from "vitest";
import {
  COMMON_ROWS,
  DRAFT_04_ROWS,
  DRAFT_06_07_ROWS,
  DRAFT_2020_ROWS,
  type Row,
  type Verdict,
} from "./compatibilityTable.js";

const DRAFT_URIS: Readonly<Record<SchemaDraft, string>> = {
  "draft-04": "http://json-schema.org/draft-04/schema#",
  "draft-06": "http://json-schema.org/draft-06/schema#",
  "draft-07": "http://json-schema.org/draft-07/schema#",
  "2019-09": "https://json-schema.org/draft/2019-09/schema",
  "2020-12": "https://json-schema.org/draft/2020-12/schema",
};

/** The schema as written in `draft`: its `$schema` set unless it names one already. */
function inDraft(schema: unknown, draft: SchemaDraft): unknown {
  if (schema === null || typeof schema !== "object" || "$schema" in schema) return schema;
  return { $schema: DRAFT_URIS[draft], ...schema };
}

const breaksIn = (verdict: Verdict, mode: CompatibilityMode): boolean =>
  verdict === "both" || (verdict !== "none" && (mode === "full" || mode === verdict));

function checkRow(row: Row, draft: SchemaDraft): void {
  const before = inDraft(row.old, draft);
  const after = inDraft(row.new, draft);
  for (const mode of ["backward", "forward", "full"] as const) {
    const result = compareSchemas(before, after, { mode });
    const summary = result.changes.map(
      (change) => `${change.pointer} ${change.kind} ${change.breaking ? "breaks" : "ok"}: ${change.reason}`,
    );
    expect(result.compatible, `${mode}:\n${summary.join("\n")}`).toBe(!breaksIn(row.breaks, mode));
    expect(
      result.changes.map((change) => `${change.pointer} ${change.kind}`).sort(),
      `${mode}:\n${summary.join("\n")}`,
    ).toEqual([...row.changes].sort());
    for (const change of result.changes) {
      if (change.breaking) expect(change.reason).toMatch(/can be invalid|cannot prove/);
    }
  }
}

const TABLES: readonly (readonly [string, readonly Row[], readonly SchemaDraft[]])[] = [
  ["every draft", COMMON_ROWS, ["draft-04", "draft-07", "2020-12"]],
  ["draft-04", DRAFT_04_ROWS, ["draft-04"]],
  ["draft-06 and draft-07", DRAFT_06_07_ROWS, ["draft-06", "draft-07"]],
  ["2019-09 and 2020-12", DRAFT_2020_ROWS, ["2019-09", "2020-12"]],
];

for (const [title, rows, drafts] of TABLES) {
  describe(`compatibility table: ${title}`, () => {
    for (const draft of drafts) {
      const applicable = rows.filter((row) => !row.skip?.includes(draft));
      test.each(applicable.map((row) => [row.name, row] as const))(`issue 14 #1: ${draft}: %s`, (_name, row) =>
        checkRow(row, draft),
      );
    }
  });
}

test("issue 14 #1: the table has at least 100 pairs across the drafts", () => {
  const pairs = TABLES.flatMap(([, rows, drafts]) =>
    drafts.flatMap((draft) => rows.filter((row) => !row.skip?.includes(draft))),
  );
  expect(pairs.length).toBeGreaterThanOrEqual(100);
});
