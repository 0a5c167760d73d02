/** A pgmq table's layout as text, to compare a queue our runtime made with one `pgmq.create` made. */
import type pg from "pg";

export interface Layout {
  columns: string[];
  /** Column names in ordinal order (PGMQ's `RETURNING *` depends on it). */
  order: string;
  constraints: string[];
  indexes: string[];
  persistence: string;
}

/** `pgmq.<table>`'s layout, with the queue name `queue` written `<q>` so that two queues compare. */
export async function describeTable(pool: pg.Pool, table: string, queue: string): Promise<Layout> {
  const columns = await pool.query<Record<string, string | null>>(
    `SELECT column_name, ordinal_position, data_type, is_nullable, column_default, is_identity, identity_generation
       FROM information_schema.columns WHERE table_schema = 'pgmq' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const constraints = await pool.query<{ d: string }>(
    `SELECT conname || ' ' || pg_get_constraintdef(oid) AS d FROM pg_constraint
      WHERE conrelid = to_regclass('pgmq.' || quote_ident($1)) AND contype <> 't' ORDER BY conname`,
    [table],
  );
  const indexes = await pool.query<{ d: string }>(
    `SELECT indexdef AS d FROM pg_indexes WHERE schemaname = 'pgmq' AND tablename = $1 ORDER BY indexname`,
    [table],
  );
  const persistence = await pool.query<{ p: string }>(
    `SELECT relpersistence AS p FROM pg_class WHERE oid = to_regclass('pgmq.' || quote_ident($1))`,
    [table],
  );
  const norm = (text: string) => text.split(queue).join("<q>");
  return {
    columns: columns.rows.map((c) =>
      norm(
        `${c.column_name} ${c.data_type} nullable=${c.is_nullable} default=${c.column_default ?? "-"} identity=${c.is_identity}${c.identity_generation ? `/${c.identity_generation}` : ""}`,
      ),
    ),
    order: columns.rows.map((c) => String(c.column_name)).join(","),
    constraints: constraints.rows.map((r) => norm(r.d)),
    indexes: indexes.rows.map((r) => norm(r.d)),
    persistence: persistence.rows[0]?.p ?? "missing",
  };
}

/** `layout` without the column `name`: for comparing with a PGMQ version that predates it. */
export function withoutColumn(layout: Layout, name: string): Layout {
  return {
    ...layout,
    columns: layout.columns.filter((column) => !column.startsWith(`${name} `)),
    order: layout.order
      .split(",")
      .filter((column) => column !== name)
      .join(","),
  };
}

function diffLists(what: string, theirs: string[], ours: string[]): string[] {
  const out: string[] = [];
  for (const item of theirs) if (!ours.includes(item)) out.push(`${what}: pgmq has [${item}], ours lacks it`);
  for (const item of ours) if (!theirs.includes(item)) out.push(`${what}: ours has [${item}], pgmq lacks it`);
  return out;
}

/** Every difference between PGMQ's layout and ours, one sentence each; none when they match. */
export function diffLayouts(table: string, theirs: Layout, ours: Layout): string[] {
  return [
    ...diffLists(`${table} column`, theirs.columns, ours.columns),
    ...(theirs.order === ours.order ? [] : [`${table} column order: pgmq (${theirs.order}), ours (${ours.order})`]),
    ...diffLists(`${table} constraint`, theirs.constraints, ours.constraints),
    ...diffLists(`${table} index`, theirs.indexes, ours.indexes),
    ...(theirs.persistence === ours.persistence
      ? []
      : [`${table} persistence: pgmq ${theirs.persistence}, ours ${ours.persistence}`]),
  ];
}
