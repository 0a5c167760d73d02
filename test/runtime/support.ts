/**
 * Helpers shared by the runtime tests: a test-time compiled validator and
 * queue definition (generated code ships precompiled validators; tests may
 * compile), and small queries on PGMQ's tables.
 */
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import type pg from "pg";
import { createQueueCodec } from "../../packages/runtime/src/codec.js";
import type {
  CompiledValidator,
  PayloadTransform,
  QueueDefinition,
  QueueOptions,
} from "../../packages/runtime/src/types.js";

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
       FROM pgmq.${`q_${queue}`} AS q ORDER BY q.msg_id`,
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

/**
 * The email queue at `version`, still decoding every older version (the same
 * schema each time; each upgrade step returns its job unchanged).
 */
export function versionedEmailDefinition(name: string, version: number): QueueDefinition<string, EmailJob> {
  const validator = compileValidator(emailSchema);
  const older = Array.from({ length: version - 1 }, (_, index) => index + 1);
  return {
    name,
    options: defaultQueueOptions,
    codec: createQueueCodec<EmailJob>({
      queue: name,
      validator,
      version,
      previousVersions: older.map((olderVersion) => ({ version: olderVersion, validator })),
      upgrades: Object.fromEntries(older.map((olderVersion) => [`from${olderVersion}`, (job: unknown) => job])),
    }),
  };
}
