/**
 * How many of a queue's messages each schema version has, by their version
 * stamp (messageVersion.ts): a team drops a version from `previousVersions`
 * once none of its messages is left.
 */
import type { QueueColumns } from "./queueColumns.js";
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

export interface QueuedVersionCountRow {
  /** The stamped version; null for no stamp, or one that is not an integer from 1 to 2^53 - 1. */
  version: bigint | null;
  /** `version`: stamped with one; `none`: no stamp; `invalid`: a stamp that is not a version. */
  stamp: "version" | "none" | "invalid";
  count: bigint;
}

/**
 * Parameters: $1 the header's key, when the table has `headers` (a table
 * made by PGMQ before 1.5 has none: every message counts as unstamped, and
 * the statement takes no parameter). Every row counts: visible, delayed and
 * being worked on. A full scan of the queue table, O(its length), like
 * PGMQ's metrics. A stamp counts as a version only where a worker reads it
 * as one: a JSON number that is an integer a JS number holds exactly, from
 * 1 up (the nested CASE keeps `::numeric` from ever seeing a string);
 * anything else under the key (a string, 0, 1.5, JSON null) is `invalid`,
 * which a worker dead-letters as undecodable. No stamp first, then invalid
 * ones, then by version.
 */
export function queuedVersionCountsStatement(queue: string, columns: QueueColumns): Statement {
  const [raw, number] = columns.headers
    ? [
        "q.headers -> $1::text",
        "CASE WHEN jsonb_typeof(q.headers -> $1::text) = 'number' THEN (q.headers -> $1::text)::numeric END",
      ]
    : ["NULL::jsonb", "NULL::numeric"];
  return statement(
    "queued_version_counts",
    `SELECT CASE WHEN kind = 'version' THEN number::int8 END AS version, kind AS stamp, count(*)::int8 AS count
       FROM (SELECT number,
                    CASE WHEN raw IS NULL THEN 'none'
                         WHEN number >= 1 AND number <= 9007199254740991 AND number = trunc(number) THEN 'version'
                         ELSE 'invalid' END AS kind
               FROM (SELECT ${raw} AS raw, ${number} AS number FROM ${queueTable(queue)} AS q) AS read) AS stamped
      GROUP BY 1, 2
      ORDER BY 1 NULLS FIRST, 2 DESC`,
  );
}
