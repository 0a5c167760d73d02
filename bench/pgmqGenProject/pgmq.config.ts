/**
 * The bench's own pgmq-gen project: one payload schema, two queues that
 * differ only in what happens to a finished job. The bench compiles it into
 * bench/.tmp/pgmq-gen/ (git-ignored) with the compiler's `generate()`, the
 * way a user's build would, and drives the generated producers and worker.
 */
export default {
  schemasDir: ".",
  outDir: "../.tmp/pgmq-gen/generated",
  runtimeImport: "../../../../packages/runtime/src/index.js",
  queues: {
    bench_archive: { schema: "bench-job.schema.json", onSuccess: "archive" },
    bench_delete: { schema: "bench-job.schema.json", onSuccess: "delete" },
  },
};
