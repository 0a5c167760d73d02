/**
 * The dashboard's addresses, built in one place: queue names are checked
 * against the config before a page is made, and ids are digits, but every
 * part is still encoded, so an address can never be turned into another.
 */

export function queuePath(queue: string): string {
  return `/queues/${encodeURIComponent(queue)}`;
}

export function deadLettersPath(queue: string): string {
  return `${queuePath(queue)}/dead-letters`;
}

export function deadLetterPath(queue: string, msgId: bigint): string {
  return `${deadLettersPath(queue)}/${msgId.toString()}`;
}

export function jobPath(queue: string, msgId: bigint): string {
  return `${queuePath(queue)}/jobs/${msgId.toString()}`;
}

/** `path` with the query parameters that are set. */
export function withQuery(path: string, query: Readonly<Record<string, string | undefined>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== "") search.set(key, value);
  const text = search.toString();
  return text === "" ? path : `${path}?${text}`;
}
