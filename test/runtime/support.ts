/**
 * Helpers shared by the runtime tests: a test-time compiled validator and
 * queue definition (generated code ships precompiled validators; tests may
 * compile), and small queries on PGMQ's tables.
 */
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import type pg from "pg";
import { createQueueCodec } from "../../src/runtime/codec.js";
import type { CompiledValidator, PayloadTransform, QueueDefinition, QueueOptions } from "../../src/runtime/types.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export function compileValidator(schema: object): CompiledValidator {
  const ajv = new Ajv({ allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema) as CompiledValidator;
}

export interface EmailJob {
  to: string;
  subject: string;
  body?: string;
}

export const emailSchema = {
  type: "object",
  required: ["to", "subject"],
  properties: {
    to: { type: "string", format: "email" },
    subject: { type: "string", minLength: 1 },
    body: { type: "string" },
  },
  additionalProperties: false,
};

export const defaultQueueOptions: QueueOptions = {
  visibilityTimeout: 30,
  maxRetries: 3,
  backoff: { kind: "fixed", delay: 1 },
  onSuccess: "archive",
  deadLetter: null,
  transactional: false,
  jobTimeout: null,
};

export function emailDefinition<TName extends string>(
  name: TName,
  transform?: PayloadTransform,
): QueueDefinition<TName, EmailJob> {
  return {
    name,
    options: defaultQueueOptions,
    codec: createQueueCodec<EmailJob>({
      queue: name,
      validator: compileValidator(emailSchema),
      ...(transform !== undefined ? { transform } : {}),
    }),
  };
}

/** Every row of `pgmq.q_<queue>`, ids as bigint (text → BigInt, never through a number). */
export async function queueRows(db: pg.Pool | pg.ClientBase, queue: string) {
  const { rows } = await db.query<{
    msg_id: string;
    read_ct: number;
    vt: Date;
    enqueued_at: Date;
    message: unknown;
    headers: unknown;
  }>(
    `SELECT msg_id::text AS msg_id, read_ct, vt, enqueued_at, message, headers
       FROM pgmq.${"q_" + queue} AS q ORDER BY q.msg_id`,
  );
  return rows.map((row) => ({ ...row, msg_id: BigInt(row.msg_id) }));
}

export async function countRows(db: pg.Pool, table: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

export async function tableExists(db: pg.Pool, table: string): Promise<boolean> {
  const { rows } = await db.query<{ exists: boolean }>("SELECT to_regclass($1) IS NOT NULL AS exists", [table]);
  return rows[0]!.exists;
}

/** One node of an `EXPLAIN (FORMAT JSON)` plan, with the fields the plan tests look at. */
export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Filter?: string;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  Plans?: PlanNode[];
}

/**
 * The plan of `text` (a runtime statement's SQL, `$n` parameters cast in
 * the text) run with `values`: PREPAREd on a client of its own and
 * EXPLAINed (ANALYZE, BUFFERS) under `plan_cache_mode = mode`, inside a
 * transaction rolled back afterwards, so a DELETE deletes nothing.
 */
export async function explainPrepared(
  pool: pg.Pool,
  text: string,
  values: readonly string[],
  mode: "force_custom_plan" | "force_generic_plan",
): Promise<PlanNode> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`SET LOCAL plan_cache_mode = ${mode}`);
    await client.query(`PREPARE explained AS ${text}`);
    const literals = values.map((value) => (value === "NULL" ? "NULL" : client.escapeLiteral(value)));
    const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE explained(${literals.join(", ")})`,
    );
    return rows[0]!["QUERY PLAN"][0].Plan;
  } finally {
    await client.query("ROLLBACK");
    // Prepared statements outlive a rollback.
    await client.query("DEALLOCATE ALL");
    client.release();
  }
}

/** Every node of a plan, depth first. */
export function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)];
}

/** Shared buffers (hit + read) the whole plan touched. */
export function planBuffers(plan: PlanNode): number {
  return (plan["Shared Hit Blocks"] ?? 0) + (plan["Shared Read Blocks"] ?? 0);
}
