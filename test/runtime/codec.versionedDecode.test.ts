/**
 * A versioned queue's codec (issue 14 §3): the version options checked at
 * creation, and every branch of `decode(stored, headers)`: the message's
 * version stamp picks the schema, an older job is upgraded step by step, and
 * each way it can fail is the error a worker needs (DecodeError: killed at
 * once; UpgradeError, NewerVersionError: retried).
 */
import { describe, expect, it } from "vitest";
import { createQueueCodec, type QueueCodecOptions } from "../../packages/runtime/src/codec.js";
import { DecodeError } from "../../packages/runtime/src/errors.js";
import { VERSION_HEADER } from "../../packages/runtime/src/messageVersion.js";
import type { CompiledValidator, JobValidator, MessageHeaders } from "../../packages/runtime/src/types.js";
import { NewerVersionError, UpgradeError } from "../../packages/runtime/src/versionErrors.js";
import { compileValidator } from "./support.js";

/** Version 1: one name. */
interface NameV1 {
  name: string;
}
/** Version 2: the name split. */
interface NameV2 {
  first: string;
  last: string;
}
/** Version 3, the current one: a locale too. */
interface NameV3 extends NameV2 {
  locale: "en" | "fr";
}

const strictObject = (properties: object, required: string[]) => ({
  type: "object",
  required,
  properties,
  additionalProperties: false,
});
const nameV1 = strictObject({ name: { type: "string", minLength: 1 } }, ["name"]);
const nameV2 = strictObject({ first: { type: "string" }, last: { type: "string" } }, ["first", "last"]);
const nameV3 = strictObject({ first: { type: "string" }, last: { type: "string" }, locale: { enum: ["en", "fr"] } }, [
  "first",
  "last",
  "locale",
]);

/** A hand-written type guard that reports its failure the way ajv does. */
function typeGuard<T>(check: (value: unknown) => value is T, message: string): JobValidator<T> {
  const validator = ((value: unknown) => {
    const ok = check(value);
    validator.errors = ok ? null : [{ instancePath: "", keyword: "guard", message, params: {} }];
    return ok;
  }) as JobValidator<T>;
  return validator;
}

const upgrades = {
  from1(job: NameV1): NameV2 {
    const [first = "", ...rest] = job.name.split(" ");
    return { first, last: rest.join(" ") };
  },
  from2(job: NameV2): NameV3 {
    return { ...job, locale: "en" };
  },
};

function options(overrides: Partial<QueueCodecOptions<NameV3>> = {}): QueueCodecOptions<NameV3> {
  return {
    queue: "names",
    validator: compileValidator(nameV3),
    version: 3,
    previousVersions: [
      { version: 1, validator: compileValidator(nameV1) },
      { version: 2, validator: compileValidator(nameV2) },
    ],
    upgrades,
    ...overrides,
  };
}

const codec = createQueueCodec<NameV3>(options());
const stamped = (version: unknown): MessageHeaders => ({ traceId: "t", [VERSION_HEADER]: version as number });

/** What `run` threw (fails the test when it returns). */
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

describe("issue 14 #3: createQueueCodec checks the version options at creation", () => {
  const v1 = { version: 1, validator: compileValidator(nameV1) };
  const v2 = { version: 2, validator: compileValidator(nameV2) };
  it.each<[string, Partial<QueueCodecOptions<NameV3>>, RegExp]>([
    [
      "a version of 0",
      { version: 0, previousVersions: [], upgrades: undefined },
      /version must be a positive integer, got 0/,
    ],
    ["a fractional version", { version: 1.5, previousVersions: [] }, /version must be a positive integer, got 1\.5/],
    [
      "a version given as text",
      { version: "2" as never, previousVersions: [] },
      /version must be a positive integer, got "2"/,
    ],
    ["previousVersions not an array", { previousVersions: v1 as never }, /previousVersions must be an array/],
    [
      "a previous version not below version",
      { previousVersions: [v1, v2, { ...v2, version: 3 }] },
      /previousVersions\[2\]\.version is 3, not below the queue's version 3/,
    ],
    [
      "a previous version listed twice",
      { previousVersions: [v1, v2, v1] },
      /previousVersions\[2\]\.version 1 is listed twice/,
    ],
    ["a gap up to version - 1", { previousVersions: [v1] }, /previousVersions has 1 but not 2: keep every version/],
    [
      "a previous version that is not a positive integer",
      { previousVersions: [{ ...v1, version: -1 }, v2] },
      /previousVersions\[0\]\.version must be a positive integer, got -1/,
    ],
    [
      "a previous validator that is not a function",
      { previousVersions: [v1, { version: 2, validator: {} as never }] },
      /previousVersions\[1\]\.validator \(version 2\) must be a validator function, got an object/,
    ],
    [
      "no upgrades with previous versions",
      { upgrades: undefined },
      /upgrades is required with previousVersions \(from1 to from2\), got undefined/,
    ],
    [
      "a missing step",
      { upgrades: { from2: upgrades.from2 } },
      /upgrades\.from1 \(version 1 to 2\) must be a function, got undefined: upgrades needs one step from1 to from2/,
    ],
    [
      "a step that is not a function",
      { upgrades: { from1: upgrades.from1, from2: "later" } },
      /upgrades\.from2 \(version 2 to 3\) must be a function, got "later"/,
    ],
    [
      "upgrades that are not an object",
      { version: 1, previousVersions: [], upgrades: 5 as never },
      /upgrades must be an object of from<N> functions, got 5/,
    ],
  ])("%s is an Error naming the queue", (_label, overrides, message) => {
    const error = thrown(() => createQueueCodec<NameV3>(options(overrides)));
    expect(error.message).toMatch(/^createQueueCodec: queue "names": /);
    expect(error.message).toMatch(message);
  });

  it("issue 14 #3: version defaults to 1; previous versions may be listed in any order and start above 1", () => {
    expect(createQueueCodec<NameV3>({ queue: "names", validator: compileValidator(nameV3) }).version).toBe(1);
    expect(codec.version).toBe(3);
    const unordered = createQueueCodec<NameV3>(options({ previousVersions: [v2, v1] }));
    expect(unordered.decode({ name: "Ada King" }, stamped(1))).toEqual({ first: "Ada", last: "King", locale: "en" });
    // Version 1 retired: only from2 is needed, and a leftover from1 is ignored.
    const retired = createQueueCodec<NameV3>(options({ previousVersions: [v2], upgrades: { from2: upgrades.from2 } }));
    expect(retired.decode({ first: "Ada", last: "King" }, stamped(2))).toMatchObject({ locale: "en" });
  });
});

describe("issue 14 #3: decode by the version stamp", () => {
  it("issue 14 #3: a message of the current version is validated against the current schema, as before", () => {
    const job: NameV3 = { first: "Ada", last: "King", locale: "fr" };
    expect(codec.decode(job, stamped(3))).toEqual(job);
    const error = thrown(() => codec.decode({ first: "Ada", last: "King", locale: "de" }, stamped(3)));
    expect(error).toBeInstanceOf(DecodeError);
    expect(error.message).toBe(
      "names: stored message does not match the schema: /locale must be equal to one of the allowed values",
    );
  });

  it.each<[string, number, unknown]>([
    ["version 1, through from1 and from2", 1, { name: "Ada Lovelace King" }],
    ["version 2, through from2", 2, { first: "Ada", last: "Lovelace King" }],
  ])(
    "issue 14 #3: a message stamped %s is validated against its own schema and upgraded",
    (_label, version, stored) => {
      expect(codec.decode(stored, stamped(version))).toEqual({ first: "Ada", last: "Lovelace King", locale: "en" });
    },
  );

  it("issue 14 #3: a message that does not match its own version's schema is a DecodeError naming the version", () => {
    const error = thrown(() => codec.decode({ first: "Ada", last: "King" }, stamped(1))) as DecodeError;
    expect(error).toBeInstanceOf(DecodeError);
    expect(error.issues.map((issue) => issue.pointer)).toEqual(["/name", "/first", "/last"]);
    expect(error.message).toMatch(
      /^names: stored message does not match the schema of version 1, the version it is stamped with \(x-pgmq-gen-version\): \(root\) must have required property 'name'/,
    );
    expect(error.withMsgId(7n).message).toMatch(
      /^names message 7: stored message does not match the schema of version 1/,
    );
  });

  it("issue 14 #3: a step that throws is an UpgradeError naming the step, with the thrown error as cause", () => {
    const cause = new Error("no space in the name");
    const failing = createQueueCodec<NameV3>(
      options({
        upgrades: {
          ...upgrades,
          from1: () => {
            throw cause;
          },
        },
      }),
    );
    const error = thrown(() => failing.decode({ name: "Ada" }, stamped(1))) as UpgradeError;
    expect(error).toBeInstanceOf(UpgradeError);
    expect(error).toMatchObject({ name: "UpgradeError", queue: "names", msgId: undefined, fromVersion: 1 });
    expect(error).toMatchObject({ toVersion: 3, step: "from1", issues: [], cause });
    expect(error.message).toBe(
      "names: upgrading the message from version 1 to 3 failed at upgrades.from1 (version 1 to 2): it threw: " +
        "no space in the name. Fix the upgrade and redeploy the workers: the message is retried until its attempts run out",
    );
    const named = error.withMsgId(42n);
    expect(named).toMatchObject({ msgId: 42n, step: "from1", fromVersion: 1, cause });
    expect(named.message).toMatch(
      /^names message 42: upgrading the message from version 1 to 3 failed at upgrades\.from1/,
    );
  });

  it.each<[string, Partial<typeof upgrades>, string, string]>([
    [
      "an intermediate result the next version rejects",
      { from1: () => ({ first: "Ada" }) as NameV2 },
      "from1",
      "version 2's schema: (root) must have required property 'last'",
    ],
    [
      "a final result the current schema rejects",
      { from2: (job) => ({ ...job, locale: "de" as "en" }) },
      "from2",
      "version 3's schema: /locale must be equal to one of the allowed values",
    ],
  ])("issue 14 #3: %s is an UpgradeError naming the step and the issues", (_label, steps, step, why) => {
    const failing = createQueueCodec<NameV3>(options({ upgrades: { ...upgrades, ...steps } }));
    const error = thrown(() => failing.decode({ name: "Ada King" }, stamped(1))) as UpgradeError;
    expect(error).toBeInstanceOf(UpgradeError);
    expect(error.step).toBe(step);
    expect(error.issues.length).toBe(1);
    expect(error.message).toContain(`failed at upgrades.${step}`);
    expect(error.message).toContain(`its result does not match ${why}`);
  });

  it("issue 14 #5: a step that returns a Promise (an async step) is an UpgradeError, and its rejection is not left unhandled", async () => {
    // A Promise is an object: a schema without required properties would take it as the job.
    const loose = compileValidator({ type: "object", properties: { first: { type: "string" } } });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      for (const from1 of [async (job: NameV1) => ({ first: job.name }), () => Promise.reject(new Error("later"))]) {
        const asyncStep = createQueueCodec<NameV2>({
          queue: "names",
          validator: loose as never,
          version: 2,
          previousVersions: [{ version: 1, validator: compileValidator(nameV1) }],
          upgrades: { from1 },
        });
        const error = thrown(() => asyncStep.decode({ name: "Ada" }, stamped(1))) as UpgradeError;
        expect(error).toBeInstanceOf(UpgradeError);
        expect(error).toMatchObject({ step: "from1", issues: [] });
        expect(error.message).toContain(
          "failed at upgrades.from1 (version 1 to 2): it returned a Promise: an upgrade step must be synchronous",
        );
        expect(error.withMsgId(3n).message).toContain("it returned a Promise");
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("issue 14 #3: steps are called as methods of the upgrades object", () => {
    class Upgrades {
      readonly locale = "fr" as const;
      from1(job: NameV1): NameV2 {
        return upgrades.from1(job);
      }
      from2(job: NameV2): NameV3 {
        return { ...job, locale: this.locale };
      }
    }
    const withClass = createQueueCodec<NameV3>(options({ upgrades: new Upgrades() }));
    expect(withClass.decode({ name: "Ada King" }, stamped(1))).toEqual({ first: "Ada", last: "King", locale: "fr" });
  });

  it("issue 14 #3: the transform's decode runs first, then the version's schema", () => {
    const wrapped = createQueueCodec<NameV3>(
      options({
        transform: {
          encode: (payload) => ({ wrapped: payload }),
          decode: (stored) => (stored as { wrapped: never }).wrapped,
        },
      }),
    );
    expect(wrapped.decode({ wrapped: { name: "Ada King" } }, stamped(1))).toEqual({
      first: "Ada",
      last: "King",
      locale: "en",
    });
  });
});

describe("issue 14 #3: decode of a message without a stamp (another PGMQ client wrote it)", () => {
  it.each<[string, unknown]>([
    ["the current version's shape as is", { first: "Ada", last: "King", locale: "fr" }],
    ["version 2's shape upgraded from 2", { first: "Ada", last: "King" }],
    ["version 1's shape upgraded from 1", { name: "Ada King" }],
  ])("issue 14 #3: %s", (_label, stored) => {
    const want = { first: "Ada", last: "King", locale: (stored as { locale?: string }).locale ?? "en" };
    for (const headers of [undefined, null, { traceId: "t" }]) expect(codec.decode(stored, headers)).toEqual(want);
  });

  it("issue 14 #3: a message no version accepts is a DecodeError with the current schema's issues, saying the older versions were tried", () => {
    const error = thrown(() => codec.decode({ first: 1 }, null)) as DecodeError;
    expect(error).toBeInstanceOf(DecodeError);
    expect(error.issues.map((issue) => issue.pointer)).toEqual(["/last", "/locale", "/first"]);
    expect(error.message).toMatch(
      /^names: stored message has no x-pgmq-gen-version header and does not match the schema of version 3; versions 1 to 2 were tried too, and reject it as well; version 3's issues: \(root\) must have required property 'last'/,
    );
  });

  it("issue 14 #3: an unversioned queue decodes an unstamped message as before", () => {
    const plain = createQueueCodec<NameV1>({ queue: "plain", validator: compileValidator(nameV1) });
    expect(plain.decode({ name: "Ada" })).toEqual({ name: "Ada" });
    expect(thrown(() => plain.decode({})).message).toBe(
      "plain: stored message does not match the schema: (root) must have required property 'name'",
    );
  });
});

describe("issue 14 #3: decode of a stamp this worker cannot upgrade from", () => {
  it("issue 14 #3: a newer stamp the current schema accepts is taken as it is", () => {
    const job: NameV3 = { first: "Ada", last: "King", locale: "en" };
    expect(codec.decode(job, stamped(4))).toEqual(job);
  });

  it("issue 14 #3: a newer stamp the current schema rejects is a NewerVersionError: deploy the workers first", () => {
    const error = thrown(() => codec.decode({ first: "Ada", last: "King", locale: "en", title: "Dr" }, stamped(4)));
    expect(error).toBeInstanceOf(NewerVersionError);
    expect(error).toMatchObject({ name: "NewerVersionError", queue: "names", version: 4, workerVersion: 3 });
    expect(error.message).toBe(
      "names: stamped version 4 (header x-pgmq-gen-version) is newer than this worker's version 3, and version 3's " +
        "schema rejects it: (root) must NOT have additional property 'title'. Deploy the workers first: the message " +
        "is retried, so a worker at version 4 can take it",
    );
    expect((error as NewerVersionError).withMsgId(9n).message).toMatch(/^names message 9: stamped version 4/);
  });

  it("issue 14 #3: a stamp older than every version kept is a DecodeError naming the retired version", () => {
    const retired = createQueueCodec<NameV3>(
      options({
        previousVersions: [{ version: 2, validator: compileValidator(nameV2) }],
        upgrades: { from2: upgrades.from2 },
      }),
    );
    const error = thrown(() => retired.decode({ name: "Ada King" }, stamped(1))) as DecodeError;
    expect(error).toBeInstanceOf(DecodeError);
    expect(error.issues).toEqual([]);
    expect(error.message).toBe(
      "names: the message is stamped version 1 (x-pgmq-gen-version), and this worker decodes versions 2 to 3: " +
        "version 1 was retired while messages of it were still queued. Count a version's messages with " +
        "queuedVersionCounts before dropping it from previousVersions",
    );
    const bumped = createQueueCodec<NameV3>({ queue: "names", validator: compileValidator(nameV3), version: 2 });
    expect(thrown(() => bumped.decode({}, stamped(1))).message).toContain("this worker decodes only version 2");
  });

  it.each<[string, unknown]>([
    ["text", "2"],
    ["zero", 0],
    ["negative", -1],
    ["fractional", 1.5],
    ["null", null],
    ["an object", { v: 2 }],
    ["past 2^53", 2 ** 53],
  ])("issue 14 #3: a stamp that is %s is a DecodeError naming the header", (_label, stamp) => {
    for (const target of [codec, createQueueCodec<NameV1>({ queue: "names", validator: compileValidator(nameV1) })]) {
      const error = thrown(() => target.decode({ name: "Ada" }, stamped(stamp)));
      expect(error).toBeInstanceOf(DecodeError);
      expect(error.message).toBe(
        `names: the message's x-pgmq-gen-version header is ${JSON.stringify(stamp)}, not a positive integer: it is ` +
          "pgmq-gen's schema version stamp, which a producer must leave to the runtime (or leave out)",
      );
    }
  });
});

describe("issue 14 #3: hand-written type guards and the hot path", () => {
  it("issue 14 #3: type-guard validators that set errors work as previous versions", () => {
    const isV1 = (value: unknown): value is NameV1 =>
      typeof value === "object" && value !== null && typeof (value as NameV1).name === "string";
    const isV2 = (value: unknown): value is NameV2 =>
      typeof value === "object" && value !== null && typeof (value as NameV2).first === "string";
    const guarded = createQueueCodec<NameV2>({
      queue: "guarded",
      validator: typeGuard(isV2, "must be a version-2 name"),
      version: 2,
      previousVersions: [{ version: 1, validator: typeGuard(isV1, "must be a version-1 name") }],
      upgrades: { from1: upgrades.from1 },
    });
    expect(guarded.decode({ name: "Ada King" }, stamped(1))).toEqual({ first: "Ada", last: "King" });
    expect(thrown(() => guarded.decode({ nom: "Ada" }, stamped(1))).message).toBe(
      "guarded: stored message does not match the schema of version 1, the version it is stamped with " +
        "(x-pgmq-gen-version): (root) must be a version-1 name",
    );
  });

  it("issue 14 #3: a queue without previous versions runs its validator once per message, stamped or not", () => {
    let calls = 0;
    const counted: CompiledValidator = (value) => {
      calls++;
      return typeof value === "object";
    };
    const plain = createQueueCodec<object>({ queue: "plain", validator: counted });
    const headerCases: (MessageHeaders | null | undefined)[] = [undefined, null, {}, { [VERSION_HEADER]: 1 }];
    for (const headers of headerCases) plain.decode({}, headers);
    expect(calls).toBe(4);
  });
});
