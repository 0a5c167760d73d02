/**
 * Which rows of a dead-letter queue belong to one source queue and match an
 * operator's filters: the WHERE clause shared by listing, counting,
 * redriving and purging dead letters, so the four always agree on what
 * "these dead letters" means.
 */
import { DEAD_LETTER_HEADER } from "./deadLetterMessages.js";

/** The dead-letter record of a row `d` (`x-pgmq-gen-dead-letter`), as jsonb. */
export const DEAD_LETTER_RECORD = `d.headers -> '${DEAD_LETTER_HEADER}'`;

/**
 * The selection's parameters, at fixed positions in every statement that
 * uses it: $1 source queue (text: the record's `sourceQueue`), $2 dead-letter
 * message ids (text[] cast to bigint[]; NULL for any), $3 text the reason
 * must contain, case-insensitively (NULL for any), $4 cutoff (timestamptz
 * text): only rows dead-lettered (`enqueued_at`) before it (NULL for any),
 * $5 only ids above it (bigint: a batch's cursor, '0' at first), $6 only ids
 * up to it (bigint; NULL for any: a run's bound, so rows dead-lettered while
 * it runs are left for the next run). `strpos`, not LIKE: the text is
 * matched as written, `%` and `_` included. Ordered by `msg_id`, the primary
 * key, which the cursor makes the access path: each batch starts where the
 * last one ended instead of scanning the rows it removed.
 */
export const DEAD_LETTER_SELECTION = `${DEAD_LETTER_RECORD} ->> 'sourceQueue' = $1::text
       AND ($2::bigint[] IS NULL OR d.msg_id = ANY ($2::bigint[]))
       AND ($3::text IS NULL OR strpos(lower(${DEAD_LETTER_RECORD} ->> 'error'), lower($3::text)) > 0)
       AND ($4::timestamptz IS NULL OR d.enqueued_at < $4::timestamptz)
       AND d.msg_id > $5::bigint
       AND ($6::bigint IS NULL OR d.msg_id <= $6::bigint)`;

/** The values of $1 to $6, in order. */
export type DeadLetterSelectionValues = [
  sourceQueue: string,
  ids: string | null,
  reason: string | null,
  cutoff: string | null,
  after: string,
  upTo: string | null,
];
