/**
 * `pgmq-gen/runtime`: the runtime package re-exported, so code written
 * against it before the runtime had a package of its own keeps working.
 * New code imports `@pgmq-gen/runtime`, which a worker installs without the
 * compiler.
 */
export * from "@pgmq-gen/runtime";
