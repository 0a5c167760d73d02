/**
 * Queues that share a schema share its payload type and validator: the first
 * queue (in the model's key order) with a given resolved schema owns them, and
 * every later queue with the same schema aliases its type
 * (`export type EmailDeadJob = EmailJob`) and imports its validator, rather
 * than carrying an identical copy of each. "The same schema" is the bundled
 * schema and its dialect, byte for byte, whichever file it was read from:
 * exactly what the type generator and ajv see.
 */
import type { QueueModel } from "../model/types.js";

/** Each queue's schema owner: itself, or the first queue before it with the same resolved schema. */
export function schemaOwners(queues: readonly QueueModel[]): Map<QueueModel, QueueModel> {
  const firstBySchema = new Map<string, QueueModel>();
  const owners = new Map<QueueModel, QueueModel>();
  for (const queue of queues) {
    const identity = `${queue.dialect}\n${JSON.stringify(queue.schema)}`;
    const owner = firstBySchema.get(identity) ?? queue;
    firstBySchema.set(identity, owner);
    owners.set(queue, owner);
  }
  return owners;
}
