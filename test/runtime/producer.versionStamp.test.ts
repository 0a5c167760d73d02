/**
 * Producers stamp the queue's schema version into every message's headers
 * (issue 14 §3): `x-pgmq-gen-version`, a JSON number, on versioned and
 * unversioned queues alike; every other header stays exactly as the caller
 * gave it, and a caller's own value for the key is replaced.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { configure } from "../../packages/runtime/src/connection.js";
import { VERSION_HEADER } from "../../packages/runtime/src/messageVersion.js";
import { createProducer } from "../../packages/runtime/src/producer.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { type EmailJob, emailDefinition, queueRows, versionedEmailDefinition } from "./support.js";

const db = useTestDatabase("producer_version_stamp");
beforeAll(() => {
  configure({ pool: db.pool });
});

const valid: EmailJob = { to: "a@example.com", subject: "hello" };

describe("issue 14 #3: producers stamp the schema version", () => {
  it("issue 14 #3: push stamps the codec's version and keeps every other header as given", async () => {
    const producer = createProducer(versionedEmailDefinition("stamped", 3));
    const headers = { traceId: "t-1", nested: { list: [1, "two", null], "x-pgmq-gen-version": "inner" }, n: 1.5 };
    await producer.push(valid, { headers });
    await producer.push(valid);
    const rows = await queueRows(db.pool, "stamped");
    expect(rows.map((row) => row.headers)).toEqual([{ ...headers, [VERSION_HEADER]: 3 }, { [VERSION_HEADER]: 3 }]);
    // A JSON number, not text.
    const { rows: types } = await db.pool.query(
      "SELECT jsonb_typeof(headers -> 'x-pgmq-gen-version') AS type FROM pgmq.q_stamped",
    );
    expect(types.map((row) => row.type)).toEqual(["number", "number"]);
  });

  it("issue 14 #3: an unversioned queue's messages are stamped version 1", async () => {
    const producer = createProducer(emailDefinition("unversioned"));
    await producer.push(valid, { headers: {} });
    await producer.pushBatch([valid, valid]);
    const rows = await queueRows(db.pool, "unversioned");
    expect(rows.map((row) => row.headers)).toEqual([
      { [VERSION_HEADER]: 1 },
      { [VERSION_HEADER]: 1 },
      { [VERSION_HEADER]: 1 },
    ]);
  });

  it("issue 14 #3: a caller's value for the stamp's key is replaced, in push and pushBatch", async () => {
    const producer = createProducer(versionedEmailDefinition("overwritten", 2));
    await producer.push(valid, { headers: { [VERSION_HEADER]: 99, traceId: "t" } });
    await producer.pushBatch([valid, valid], { headers: { batch: true, [VERSION_HEADER]: "one" } as never });
    const rows = await queueRows(db.pool, "overwritten");
    expect(rows.map((row) => row.headers)).toEqual([
      { [VERSION_HEADER]: 2, traceId: "t" },
      { batch: true, [VERSION_HEADER]: 2 },
      { batch: true, [VERSION_HEADER]: 2 },
    ]);
  });

  it("issue 14 #3: the stamped message decodes with its headers read back", async () => {
    const definition = versionedEmailDefinition("round_trip", 2);
    await createProducer(definition).push(valid, { headers: { traceId: "t" } });
    const [message] = await db.pgmq.read("round_trip", 30, 1);
    expect(message!.headers).toEqual({ traceId: "t", [VERSION_HEADER]: 2 });
    expect(definition.codec.decode(message!.message, message!.headers)).toEqual(valid);
  });
});
