/**
 * The interop suite (test/interop/), run by `npm run interop` only: it needs
 * PGMQ's own SQL, which is not part of this repository (test/interop/README.md).
 * Everything else is vitest.config.ts's, which leaves test/interop/ out.
 */
import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/interop/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/.tmp/**"],
    // A check that has not finished in 20 s is stuck, not slow.
    testTimeout: 20_000,
  },
});
