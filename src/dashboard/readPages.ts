/**
 * The dashboard's pages, each a GET that reads through the runtime's admin
 * functions (queueStatus, completionHistory, queueMessages, deadLetters,
 * findJob) and changes nothing.
 */
import {
  type CompletionBucket,
  deadLetters,
  findJob,
  QueueMissingError,
  type QueueStatus,
  queueMessages,
  queueStatus,
} from "@pgmq-gen/runtime";
import { LISTED_PAYLOAD_BYTES } from "./formatting.js";
import type { Html } from "./html.js";
import { actionMode, type DashboardContext, type DashboardReply, type DashboardRequest } from "./dashboardContext.js";
import type { DashboardQueue } from "./dashboardQueues.js";
import { deadLetterPageContent, deadLettersPageContent } from "./pages/deadLettersPage.js";
import { JOB_STATES, jobPageContent } from "./pages/jobPage.js";
import { type Crumb, page } from "./pages/layout.js";
import { MESSAGE_STATES, queuePageContent } from "./pages/queuePage.js";
import { overviewContent } from "./pages/overview.js";
import { deadLettersPath, jobPath, queuePath } from "./paths.js";
import {
  configuredQueue,
  deadLetterFilterFields,
  HttpProblem,
  parseMessageId,
  queryMessageId,
  withDeadLetterQueue,
} from "./requestValues.js";

/** The status figure that counts each state's messages. */
const STATE_FIGURES = { visible: "visible", in_flight: "inFlight", delayed: "delayed" } as const;

/** Dead letters per page of the browser. */
export const DEAD_LETTER_PAGE_SIZE = 50;
/** Messages per page of a queue. */
export const MESSAGE_PAGE_SIZE = 50;

/** The notice a redirect after an action asked for (`done=...`), in words; null when none or not understood. */
export function noticeOf(query: URLSearchParams): string | null {
  const done = query.get("done");
  const count = /^[0-9]{1,12}$/.test(query.get("count") ?? "") ? Number(query.get("count")) : null;
  const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
  if (done === "redrive" && count !== null) return `Moved ${plural(count, "dead letter")} back to the queue.`;
  if (done === "purge" && count !== null) return `Deleted ${plural(count, "dead letter")} for good.`;
  if (done === "cancel") {
    const id = parseMessageId(query.get("id"));
    const state = query.get("was") ?? "";
    if (id === null || !Object.hasOwn(JOB_STATES, state)) return null;
    return query.get("cancelled") === "yes"
      ? `Cancelled job ${id} (it was ${state.replace("_", " ")}).`
      : `Job ${id} was not cancelled: it is ${state.replace("_", " ")} now.`;
  }
  return null;
}

/** A page of the dashboard read at `now`, with the request's notice and the live refresh (unless `still`). */
function readPage(
  context: DashboardContext,
  request: DashboardRequest,
  title: string,
  crumbs: readonly Crumb[] | undefined,
  body: Html,
  now: Date,
  still = false,
): DashboardReply {
  const frame = {
    title,
    ...(crumbs !== undefined ? { crumbs } : {}),
    mode: actionMode(context, request),
    ...(still ? {} : { refreshSeconds: context.refreshSeconds }),
    readAt: now,
    notice: noticeOf(request.url.searchParams),
  };
  return { kind: "page", status: 200, body: page(frame, body) };
}

async function throughputOf(
  context: DashboardContext,
  queue: DashboardQueue,
  status: QueueStatus,
): Promise<readonly CompletionBucket[] | null> {
  if (!status.exists || queue.onSuccess === "delete") return null;
  return context.throughput.read(queue.queue, context.db);
}

async function readStatuses(context: DashboardContext, queues: readonly DashboardQueue[]): Promise<QueueStatus[]> {
  const statuses = await queueStatus(queues, { db: context.db, countCap: context.countCap });
  context.history.record(statuses, new Date());
  return statuses;
}

export async function overviewPage(context: DashboardContext, request: DashboardRequest): Promise<DashboardReply> {
  const queues = context.queues.all;
  const statuses = await readStatuses(context, queues);
  const now = new Date();
  const rows = [];
  for (const [index, status] of statuses.entries()) {
    rows.push({
      status,
      throughput: await throughputOf(context, queues[index]!, status),
      depth: context.history.samples(status.queue, now),
    });
  }
  const body = overviewContent({ rows, countCap: context.countCap, depthSpanMs: context.history.spanMs, now });
  return readPage(context, request, "Queues", undefined, body, now);
}

export async function queuePage(context: DashboardContext, request: DashboardRequest): Promise<DashboardReply> {
  const queue = configuredQueue(context.queues, request.params[0]!);
  const query = request.url.searchParams;
  const stateText = query.get("state") ?? "visible";
  const state = MESSAGE_STATES.find(([name]) => name === stateText)?.[0];
  if (state === undefined)
    throw new HttpProblem(
      400,
      "Bad address",
      `state must be visible, in_flight or delayed, not "${stateText.slice(0, 40)}"`,
    );
  const after = queryMessageId(query, "after");
  const before = queryMessageId(query, "before");
  if (after !== undefined && before !== undefined)
    throw new HttpProblem(400, "Bad address", "after and before cannot be combined");
  const [status] = await readStatuses(context, [queue]);
  const now = new Date();
  // A state the status counted none of (exactly) has no page to read: queueMessages would walk
  // the whole queue to find that out.
  const figure = STATE_FIGURES[state];
  const none = status!.exists && status![figure] === 0 && status!.approximate[figure] === undefined;
  const messages = !status!.exists
    ? null
    : none
      ? { messages: [], hasBefore: false, hasAfter: false }
      : await queueMessages(queue.queue, {
          state,
          limit: MESSAGE_PAGE_SIZE,
          maxPayloadBytes: LISTED_PAYLOAD_BYTES,
          db: context.db,
          ...(after !== undefined ? { after } : {}),
          ...(before !== undefined ? { before } : {}),
        });
  const body = queuePageContent({
    queue,
    status: status!,
    throughput: await throughputOf(context, queue, status!),
    depth: context.history.samples(queue.queue, now),
    depthSpanMs: context.history.spanMs,
    state,
    messages,
    countCap: context.countCap,
    now,
  });
  return readPage(context, request, queue.queue, [], body, now);
}

export async function deadLettersPage(context: DashboardContext, request: DashboardRequest): Promise<DashboardReply> {
  const queue = withDeadLetterQueue(configuredQueue(context.queues, request.params[0]!));
  const query = request.url.searchParams;
  const { text, filter } = deadLetterFilterFields(query);
  const after = queryMessageId(query, "after");
  const dlq = deadLetters(queue.queue, { deadLetterQueue: queue.deadLetter, db: context.db });
  let matching = 0;
  let list: Awaited<ReturnType<typeof dlq.list>> = [];
  try {
    matching = await dlq.count(filter);
    list = await dlq.list({
      ...filter,
      limit: DEAD_LETTER_PAGE_SIZE + 1,
      maxPayloadBytes: LISTED_PAYLOAD_BYTES,
      ...(after !== undefined ? { after } : {}),
    });
  } catch (error) {
    // No dead-letter table yet: nothing was ever dead-lettered (or migrated); an empty browser says so.
    if (!(error instanceof QueueMissingError)) throw error;
  }
  const now = new Date();
  const body = deadLettersPageContent({
    queue,
    query: text,
    matching,
    deadLetters: list.slice(0, DEAD_LETTER_PAGE_SIZE),
    hasMore: list.length > DEAD_LETTER_PAGE_SIZE,
    mode: actionMode(context, request),
    now,
  });
  const crumbs = [{ label: queue.queue, href: queuePath(queue.queue) }];
  return readPage(context, request, `Dead letters of ${queue.queue}`, crumbs, body, now);
}

export async function deadLetterPage(context: DashboardContext, request: DashboardRequest): Promise<DashboardReply> {
  const queue = withDeadLetterQueue(configuredQueue(context.queues, request.params[0]!));
  const id = parseMessageId(request.params[1]);
  const notFound = new HttpProblem(
    404,
    "No such dead letter",
    `${queue.deadLetter} holds no dead letter of ${queue.queue} with id ${(request.params[1] ?? "").slice(0, 30)}.`,
  );
  if (id === null) throw notFound;
  const dlq = deadLetters(queue.queue, { deadLetterQueue: queue.deadLetter, db: context.db });
  let found = null;
  try {
    found = await dlq.show(id);
  } catch (error) {
    if (!(error instanceof QueueMissingError)) throw error;
  }
  if (found === null) throw notFound;
  const now = new Date();
  const body = deadLetterPageContent({ queue, deadLetter: found, mode: actionMode(context, request), now });
  const crumbs = [
    { label: queue.queue, href: queuePath(queue.queue) },
    { label: "Dead letters", href: deadLettersPath(queue.queue) },
  ];
  return readPage(context, request, `Dead letter ${id}`, crumbs, body, now, true);
}

export async function jobPage(context: DashboardContext, request: DashboardRequest): Promise<DashboardReply> {
  const queue = configuredQueue(context.queues, request.params[0]!);
  const id = parseMessageId(request.params[1]);
  const notFound = new HttpProblem(
    404,
    "No such job",
    `No job with id ${(request.params[1] ?? "").slice(0, 30)} is in ${queue.queue}, its archive${queue.deadLetter !== null ? " or its dead-letter queue" : ""}: it was never sent, or was deleted or purged.`,
  );
  if (id === null) throw notFound;
  let job = null;
  try {
    job = await findJob(queue.queue, id, { deadLetterQueue: queue.deadLetter, db: context.db });
  } catch (error) {
    if (!(error instanceof QueueMissingError)) throw error;
  }
  if (job === null) throw notFound;
  const now = new Date();
  const body = jobPageContent({ queue: queue.queue, job, mode: actionMode(context, request), now });
  return readPage(context, request, `Job ${id}`, [{ label: queue.queue, href: queuePath(queue.queue) }], body, now);
}

/** `/queues/<queue>/jobs?id=N`, the queue page's lookup form: on to the job's page. */
export async function jobLookup(context: DashboardContext, request: DashboardRequest): Promise<DashboardReply> {
  const queue = configuredQueue(context.queues, request.params[0]!);
  const text = request.url.searchParams.get("id")?.trim() ?? "";
  const id = parseMessageId(text);
  if (id === null) throw new HttpProblem(400, "Bad job id", `A job id is digits, not "${text.slice(0, 40)}".`);
  return { kind: "redirect", location: jobPath(queue.queue, id) };
}
