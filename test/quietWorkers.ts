/**
 * In-process tests run thousands of failing and killed jobs: their default
 * log lines would bury vitest's output. Logging itself is tested where a
 * person meets it, on the stderr of a real worker process (test/logging/).
 */
import { configure } from "../packages/runtime/src/connection.js";

configure({ logger: false });
