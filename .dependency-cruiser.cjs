/**
 * The layering rules of DESIGN.md, checked on every CI run (`npm run lint:deps`).
 * A rule broken here fails the build: move the code, do not widen the rule.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "runtime-imports-compiler",
      comment:
        "The runtime (packages/runtime, published as @pgmq-gen/runtime) is what a worker deploys: it never imports " +
        "the compiler or the CLI (src/), whose dependencies a worker does not install.",
      severity: "error",
      from: { path: "^packages/runtime/src/" },
      to: { path: "^src/" },
    },
    {
      name: "runtime-npm-dependencies",
      comment:
        "The runtime needs pg, and ajv's runtime helpers for precompiled validators; nothing else from npm " +
        "(@opentelemetry/api, its optional peer dependency, only through telemetry/: see the next rule).",
      severity: "error",
      from: { path: "^packages/runtime/src/" },
      to: {
        dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"],
        pathNot: "node_modules/(pg|pg-[a-z-]+|@types/pg|ajv|ajv-formats|@opentelemetry/api)/",
      },
    },
    {
      name: "runtime-opentelemetry-outside-telemetry",
      comment:
        "@opentelemetry/api is an optional peer dependency: only telemetry/otelApi.ts imports it (dynamically, " +
        "a missing package a null), and the rest of telemetry/ its types; nothing else may load it.",
      severity: "error",
      from: { path: "^packages/runtime/src/", pathNot: "^packages/runtime/src/telemetry/" },
      to: { path: "node_modules/@opentelemetry/" },
    },
    {
      name: "config-imports-model",
      comment:
        "Flow is config -> model -> emit: the config never reaches forward (shared rules live in the runtime's contract).",
      severity: "error",
      from: { path: "^src/config/" },
      to: { path: "^src/(model|emit|output|cli|cache)/" },
    },
    {
      name: "model-imports-emit",
      comment: "The model knows nothing of how it is written out.",
      severity: "error",
      from: { path: "^src/model/" },
      to: { path: "^src/(emit|output|cli)/" },
    },
    {
      name: "emit-touches-terminal",
      comment:
        "Only src/cli touches argv, stdout and the exit code: an emitter returns files and warnings, it never prints.",
      severity: "error",
      from: { path: "^src/(emit|model|config)/" },
      to: { path: "^src/cli/|^(node:)?(readline|tty)$" },
    },
    {
      name: "emit-touches-disk",
      comment:
        "Emit returns files; only src/output/writer.ts puts them on disk. templates.ts reads the templates/ " +
        "shipped inside the package, never a user's file.",
      severity: "error",
      from: { path: "^src/emit/", pathNot: "^src/emit/templates\\.ts$" },
      to: { path: "^(node:)?fs(/promises)?$" },
    },
    {
      name: "pipeline-imports-cache",
      comment:
        "The build cache wraps the pipeline in one place (compiler.ts): model and emit take an ArtifactMemo, " +
        "never the cache, and the cache knows nothing of them.",
      severity: "error",
      from: { path: "^src/(model|emit)/" },
      to: { path: "^src/cache/" },
    },
    {
      name: "cache-imports-pipeline",
      severity: "error",
      from: { path: "^src/cache/" },
      to: { path: "^src/(config|model|emit|output|cli)/" },
    },
    {
      name: "emit-imports-output",
      comment: "Emit knows nothing of where its files go.",
      severity: "error",
      from: { path: "^src/emit/" },
      to: { path: "^src/output/" },
    },
    {
      name: "evolution-is-pure",
      comment:
        "The schema compatibility checker compares two schemas it is given: it reads no file, prints nothing and " +
        "knows nothing of the config, the emitters or the cache (the CLI and the lock file call it).",
      severity: "error",
      from: { path: "^src/evolution/" },
      to: { path: "^src/(config|emit|output|cli|cache|devDatabase)/|^(node:)?(fs|fs/promises|readline|tty)$" },
    },
    {
      name: "lock-checks-what-it-is-given",
      comment:
        "The lock file (src/lock) checks the model it is given against pgmq.lock.json with the evolution checker: " +
        "it knows nothing of emit, the writer of generated files, the cache or the terminal (it reports; the CLI prints).",
      severity: "error",
      from: { path: "^src/lock/" },
      to: { path: "^src/(emit|output|cli|cache|devDatabase)/|^(node:)?(readline|tty)$" },
    },
    {
      name: "lock-builds-no-model",
      comment:
        "The lock reads the model's types, never builds one; it shares the model's JSON parser (line and column in errors) " +
        "and its nesting check.",
      severity: "error",
      from: { path: "^src/lock/" },
      to: {
        path: "^src/model/",
        pathNot: "^src/model/(jsonDocument|schemaDepth)\\.ts$",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "pipeline-imports-lock",
      comment: "The lock is checked after the model is built, in compiler.ts: the stages before it never reach it.",
      severity: "error",
      from: { path: "^src/(config|model|emit|evolution|output|cache)/" },
      to: { path: "^src/lock/" },
    },
    {
      name: "compiler-reaches-into-runtime",
      comment:
        "The compiler uses the runtime package through its two entry points, @pgmq-gen/runtime and " +
        "@pgmq-gen/runtime/contract, as any package would: never one of its modules by path.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^packages/runtime/src/", pathNot: "^packages/runtime/src/(index|contract)\\.ts$" },
    },
    {
      name: "sql-imports-from-above",
      comment:
        "The runtime's sql/ holds statements: it may use the runtime's leaf modules (errors, types, names, limits) " +
        "and, for running a statement, connection.ts from statement.ts; never the client, producer or worker above it.",
      severity: "error",
      from: { path: "^packages/runtime/src/sql/" },
      to: {
        path: "^packages/runtime/src/[^/]+\\.ts$",
        pathNot:
          "^packages/runtime/src/(errors|types|queueName|limits|jsonPointer|defaults|storableText|storableJson|connection)\\.ts$",
      },
    },
    {
      name: "sql-connection-outside-statement",
      severity: "error",
      from: { path: "^packages/runtime/src/sql/", pathNot: "^packages/runtime/src/sql/statement\\.ts$" },
      to: { path: "^packages/runtime/src/connection\\.ts$" },
    },
    {
      name: "no-circular",
      comment: "A cycle makes load order matter and the layers meaningless.",
      severity: "error",
      from: { path: "^(src|packages/runtime/src)/" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
  ],
  allowedSeverity: "error",
  options: {
    doNotFollow: { path: "node_modules" },
    // The core modules the rules name stay in: filtered out, the emitters' and the checker's disk and terminal rules could never fire.
    includeOnly: "^src/|^packages/runtime/src/|node_modules|^(node:)?(fs|fs/promises|readline|tty)$",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      // The workspace runtime resolves to its sources, as in the tests, so the rules see its modules.
      conditionNames: ["pgmq-gen-source", "import", "require", "node", "default", "types"],
    },
  },
};
