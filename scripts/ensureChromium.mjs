#!/usr/bin/env node
/**
 * The dashboard's browser tests drive Debian's Chromium with playwright-core
 * (never a downloaded browser). `npm test` runs this first, so the README's
 * test command works on a fresh machine: when no Chromium is found and this
 * runs as root on Debian, it installs the `chromium` package; otherwise it
 * says how, and fails. PGMQ_GEN_CHROMIUM names another binary.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const given = process.env.PGMQ_GEN_CHROMIUM;
if (given !== undefined && given !== "") {
  if (executable(given)) process.exit(0);
  console.error(`error: PGMQ_GEN_CHROMIUM=${given} is not an executable file`);
  process.exit(1);
}
if (CANDIDATES.some(executable)) process.exit(0);

const root = typeof process.getuid === "function" && process.getuid() === 0;
const apt = spawnSync("sh", ["-c", "command -v apt-get"], { encoding: "utf8" }).status === 0;
if (!root || !apt) {
  console.error(
    "error: the dashboard's browser tests need Chromium and none was found (/usr/bin/chromium).\n" +
      "Install it (Debian/Ubuntu: sudo apt-get install chromium) or set PGMQ_GEN_CHROMIUM to a Chromium binary.",
  );
  process.exit(1);
}
console.error("Chromium is missing: installing Debian's chromium package for the dashboard's browser tests");
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
execFileSync("apt-get", ["update"], { stdio: "inherit", env });
execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { stdio: "inherit", env });
if (!CANDIDATES.some(executable)) {
  console.error("error: apt-get installed chromium but no /usr/bin/chromium is there");
  process.exit(1);
}
