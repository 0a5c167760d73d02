/**
 * The values a dashboard request carries (path parts, query and form
 * fields), checked before any query: a bad one is a 400 or 404 page that
 * says which value and why, never a database error.
 */
import { durationSeconds } from "../config/duration.js";
import { MAX_DATABASE_SECONDS, MAX_MESSAGE_ID } from "@pgmq-gen/runtime/contract";
import type { DashboardQueue, DashboardQueues } from "./dashboardQueues.js";

/** A request the dashboard answers with an error page: its status and what to tell the user. */
export class HttpProblem extends Error {
  override readonly name = "HttpProblem";
  readonly status: number;
  readonly title: string;
  constructor(status: number, title: string, message: string) {
    super(message);
    this.status = status;
    this.title = title;
  }
}

/** Characters of a `reason` filter: more is no reason anyone typed. */
export const MAX_REASON_FILTER_LENGTH = 1000;
/** Ids one action may name: a page shows at most a few hundred. */
export const MAX_SELECTED_IDS = 10_000;

/** A message id from a path or field, or null when it is not one (digits, 1 to 2^63 - 1). */
export function parseMessageId(text: string | null | undefined): bigint | null {
  if (text === null || text === undefined || !/^[0-9]{1,19}$/.test(text)) return null;
  const id = BigInt(text);
  return id >= 1n && id <= MAX_MESSAGE_ID ? id : null;
}

/** An optional id of the query (`after`, `before`): absent is undefined, bad is a 400. */
export function queryMessageId(query: URLSearchParams, name: string): bigint | undefined {
  const text = query.get(name);
  if (text === null || text === "") return undefined;
  const id = parseMessageId(text);
  if (id === null)
    throw new HttpProblem(400, "Bad address", `${name} must be a message id (digits), not "${text.slice(0, 40)}"`);
  return id;
}

/** The queue a path names, from the config; a 404 when the config has none of that name. */
export function configuredQueue(queues: DashboardQueues, encoded: string): DashboardQueue {
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    name = encoded;
  }
  const queue = queues.get(name);
  if (queue === undefined)
    throw new HttpProblem(404, "No such queue", `The config has no queue named "${name.slice(0, 60)}".`);
  return queue;
}

/** A queue with a dead-letter queue; a 404 when it has none. */
export function withDeadLetterQueue(queue: DashboardQueue): DashboardQueue & { readonly deadLetter: string } {
  if (queue.deadLetter === null)
    throw new HttpProblem(404, "No dead-letter queue", `Queue ${queue.queue} has no deadLetter queue in the config.`);
  return queue as DashboardQueue & { readonly deadLetter: string };
}

/** The dead-letter filter fields (`reason`, `older-than`), as typed and as the runtime takes them. */
export function deadLetterFilterFields(fields: URLSearchParams): {
  text: { reason: string; olderThan: string };
  filter: { reason?: string; olderThanSeconds?: number };
} {
  const reason = fields.get("reason") ?? "";
  const olderThan = (fields.get("older-than") ?? "").trim();
  if (reason.length > MAX_REASON_FILTER_LENGTH)
    throw new HttpProblem(400, "Bad filter", `reason: at most ${MAX_REASON_FILTER_LENGTH} characters`);
  let olderThanSeconds: number | undefined;
  if (olderThan !== "") {
    const seconds = durationSeconds(olderThan, { bareSeconds: true });
    if (seconds === null || seconds > MAX_DATABASE_SECONDS)
      throw new HttpProblem(
        400,
        "Bad filter",
        `older than: "${olderThan.slice(0, 40)}" is not a duration; write one such as 90s, 30m, 2h or 7d`,
      );
    olderThanSeconds = seconds;
  }
  return {
    text: { reason, olderThan },
    filter: { ...(reason !== "" ? { reason } : {}), ...(olderThanSeconds !== undefined ? { olderThanSeconds } : {}) },
  };
}

/** The ids a form selected (`id`, repeated); a 400 when one is not an id or there are too many. */
export function selectedIds(fields: URLSearchParams): bigint[] {
  const texts = fields.getAll("id");
  if (texts.length > MAX_SELECTED_IDS)
    throw new HttpProblem(400, "Too many selected", `At most ${MAX_SELECTED_IDS} ids at once; filter instead.`);
  return texts.map((text) => {
    const id = parseMessageId(text);
    if (id === null) throw new HttpProblem(400, "Bad selection", `"${text.slice(0, 40)}" is not a message id.`);
    return id;
  });
}
