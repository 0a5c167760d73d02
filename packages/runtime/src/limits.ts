/**
 * Limits the runtime enforces that the compiler checks too, so a config
 * `pgmq-gen` accepts is one every worker accepts. The compiler may import
 * the runtime, never the reverse: the rule lives here.
 */

/**
 * The most seconds a duration PostgreSQL adds to a timestamp may have
 * (`visibilityTimeout`, backoff delays: `vt = clock_timestamp() + interval`).
 * timestamptz ends in 294276 AD, so `now() + 9.2e12 s` is out of range and
 * every read or retry of the queue would fail; 10^9 s (31.7 years) is far
 * from that and longer than any sensible timeout.
 */
export const MAX_DATABASE_SECONDS = 1_000_000_000;

/**
 * The largest `countCap` of `queueStatus` (`pgmq-gen status --count-cap`):
 * a count reads up to that many index entries and rows per refresh.
 */
export const MAX_STATUS_COUNT_CAP = 1_000_000;

/**
 * The most rows one `pruneArchive` batch (`pgmq-gen prune --batch-size`)
 * may delete: a statement of 100,000 deletes holds its row locks and the
 * queue's pruning lock for about a second.
 */
export const MAX_PRUNE_BATCH_SIZE = 100_000;

/** The largest message id: PostgreSQL's bigint, PGMQ's `msg_id`. An id past it is refused before any query. */
export const MAX_MESSAGE_ID = 2n ** 63n - 1n;
