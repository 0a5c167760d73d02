/**
 * The plan PostgreSQL runs for one of the runtime's statements, read from
 * `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` of the prepared statement inside
 * a rolled-back transaction, so nothing it changes stays. Plan tests assert
 * on nodes and buffer counts, which do not depend on how loaded the machine
 * is, never on time.
 */
import type pg from "pg";
import type { Statement } from "../../packages/runtime/src/sql/statement.js";

/** One node of an EXPLAIN (FORMAT JSON) plan, with the fields the tests read. */
export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Filter?: string;
  "Rows Removed by Filter"?: number;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  "Hash Cond"?: string;
  Plans?: PlanNode[];
}

export interface ExplainedPlan {
  /** The top node. */
  readonly root: PlanNode;
  /** Every node, depth first. */
  readonly nodes: readonly PlanNode[];
  /** Shared buffers the whole statement touched (hit + read). */
  readonly buffers: number;
  /** Rows the statement returned. */
  readonly rows: number;
}

export type PlanMode = "custom" | "generic";

function flatten(node: PlanNode, into: PlanNode[] = []): PlanNode[] {
  into.push(node);
  for (const child of node.Plans ?? []) flatten(child, into);
  return into;
}

/**
 * Explains `statement` executed with `parameters` (SQL literals, e.g.
 * `["16", "30"]`), as a custom plan (the values known, what the plan cache
 * picks for these statements) or a forced generic one.
 */
export async function explainStatement(
  pool: pg.Pool,
  statement: Statement,
  parameters: readonly string[],
  mode: PlanMode,
): Promise<ExplainedPlan> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `SET LOCAL plan_cache_mode = ${mode === "generic" ? "force_generic_plan" : "force_custom_plan"}`,
    );
    await client.query(`PREPARE explained AS ${statement.text}`);
    const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE explained(${parameters.join(", ")})`,
    );
    const root = rows[0]!["QUERY PLAN"][0].Plan;
    return {
      root,
      nodes: flatten(root),
      buffers: (root["Shared Hit Blocks"] ?? 0) + (root["Shared Read Blocks"] ?? 0),
      rows: root["Actual Rows"] ?? 0,
    };
  } finally {
    await client.query("ROLLBACK").catch(() => {});
    await client.query("DEALLOCATE ALL").catch(() => {});
    client.release();
  }
}

/** Nodes that read `table` (scans of it, by any access path). */
export function scansOf(plan: ExplainedPlan, table: string): PlanNode[] {
  return plan.nodes.filter((node) => node["Relation Name"] === table && /Scan/.test(node["Node Type"]));
}

/** Rows thrown away by a filter on `table`'s scans (what a bound would have skipped). */
export function rowsFilteredOut(plan: ExplainedPlan, table: string): number {
  return scansOf(plan, table).reduce(
    (sum, node) => sum + (node["Rows Removed by Filter"] ?? 0) * (node["Actual Loops"] ?? 1),
    0,
  );
}

/** A one-line description of every node, for assertion messages. */
export function describePlan(plan: ExplainedPlan): string {
  return plan.nodes
    .map((node) =>
      [node["Node Type"], node["Relation Name"], node["Index Name"], node["Index Cond"], node.Filter]
        .filter((part) => part !== undefined)
        .join(" "),
    )
    .join(" | ");
}
