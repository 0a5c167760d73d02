import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));
const runtimeSrc = (path: string) => fileURLToPath(new URL(`./packages/runtime/src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run the TypeScript sources: generated code that imports
    // "@pgmq-gen/runtime" (or the older "pgmq-gen/runtime") must share one
    // copy of the runtime with the tests (UnrecoverableError and friends are
    // checked with instanceof).
    alias: [
      { find: /^@pgmq-gen\/runtime$/, replacement: runtimeSrc("index.ts") },
      { find: /^@pgmq-gen\/runtime\/contract$/, replacement: runtimeSrc("contract.ts") },
      { find: /^pgmq-gen\/runtime$/, replacement: runtimeSrc("index.ts") },
      { find: /^pgmq-gen\/compiler$/, replacement: src("compiler.ts") },
      { find: /^pgmq-gen$/, replacement: src("index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    setupFiles: ["test/quietWorkers.ts"],
    // test/interop/ needs PGMQ's own SQL: `npm run interop` runs it (vitest.interop.config.ts).
    exclude: ["**/node_modules/**", "test/.tmp/**", "test/interop/**"],
    pool: "forks",
    // A file's own afterAll runs before those registered earlier (useTestDatabase's drop comes last).
    sequence: { hooks: "stack" },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
