/**
 * The real browser the dashboard tests drive: the machine's Chromium
 * (Debian's package), through playwright-core, which downloads nothing.
 * A missing browser fails the tests with what to install; it never skips
 * them, so a CI without Chromium cannot pass by testing nothing. No vitest
 * here: the screenshot script launches the same browser.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** The environment variable that names the Chromium to use instead of the system's. */
export const CHROMIUM_ENVIRONMENT_VARIABLE = "PGMQ_GEN_CHROMIUM";

/** Where Debian and Ubuntu install Chromium, tried in order. */
const SYSTEM_CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/**
 * Loopback only: the test machine has no other network, and without these
 * Chromium keeps dialling Google's services (sync, component updates, QUIC)
 * and floods the log with refused connections.
 */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The Chromium executable: `PGMQ_GEN_CHROMIUM`, else the system's; throws, saying what to install, when none is there. */
export function findChromium(): string {
  const given = process.env[CHROMIUM_ENVIRONMENT_VARIABLE];
  if (given !== undefined && given !== "") {
    if (!existsSync(given))
      throw new Error(`${CHROMIUM_ENVIRONMENT_VARIABLE}=${given}: no such file. Point it at a Chromium executable.`);
    return given;
  }
  const found = SYSTEM_CHROMIUM.find((path) => existsSync(path));
  if (found === undefined)
    throw new Error(
      `The dashboard's browser tests need Chromium and found none at ${SYSTEM_CHROMIUM.join(" or ")}: ` +
        `install it (\`apt-get install chromium\`) or set ${CHROMIUM_ENVIRONMENT_VARIABLE} to a Chromium executable.`,
    );
  return found;
}

/** Starts headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
}
