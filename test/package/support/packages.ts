/**
 * The two packages as npm publishes them, and apps that install them from the
 * tarballs: what a user gets, not the workspace. Needs `npm run build` first
 * (packing skips the build scripts, so a test never rebuilds dist/ under
 * another test's feet).
 */
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** npm talks to its cache, and to the registry for what the cache lacks. */
const NPM_TIMEOUT_MS = 5 * 60_000;

export interface PackedPackages {
  /** The folder holding the tarballs and the apps; removed by `remove()`. */
  readonly folder: string;
  /** `@pgmq-gen/runtime`'s tarball. */
  readonly runtime: string;
  /** `pgmq-gen`'s tarball. */
  readonly cli: string;
  remove(): void;
}

/**
 * Runs npm and resolves to its stdout. Asynchronous, so that a server in this
 * process (`startEmptyScopeRegistry`) can answer it.
 */
export async function npm(args: readonly string[], cwd: string): Promise<string> {
  const { stdout } = await promisify(execFile)("npm", [...args], { cwd, encoding: "utf8", timeout: NPM_TIMEOUT_MS });
  return stdout;
}

/**
 * A registry for the `@pgmq-gen` scope that knows no package, on 127.0.0.1:
 * an install that looks a `@pgmq-gen/*` package up (to satisfy a peer
 * dependency, say) finds none, as it would on npm today, without asking the
 * public registry about a name this project does not own there.
 */
export async function startEmptyScopeRegistry(): Promise<{ args: string[]; close: () => Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(404, { "content-type": "application/json" });
    response.end('{"error":"Not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    args: [`--@pgmq-gen:registry=http://127.0.0.1:${port}/`, "--fetch-retries=0"],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Packs both workspace packages into a new temporary folder (outside the repository, so nothing resolves from its node_modules). */
export async function packPackages(): Promise<PackedPackages> {
  for (const built of ["dist/index.js", "packages/runtime/dist/index.js"]) {
    if (!existsSync(path.join(repoRoot, built))) throw new Error(`${built} is missing: run npm run build first`);
  }
  const folder = mkdtempSync(path.join(os.tmpdir(), "pgmq-gen-packages-"));
  const packed = JSON.parse(
    await npm(
      ["pack", "--workspaces", "--include-workspace-root", "--ignore-scripts", "--json", "--pack-destination", folder],
      repoRoot,
    ),
  ) as { name: string; filename: string }[];
  const tarball = (name: string): string => {
    const entry = packed.find((item) => item.name === name);
    if (entry === undefined)
      throw new Error(`npm pack wrote no ${name}: ${packed.map((item) => item.name).join(", ")}`);
    return path.join(folder, entry.filename);
  };
  return {
    folder,
    runtime: tarball("@pgmq-gen/runtime"),
    cli: tarball("pgmq-gen"),
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}

interface AppManifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const INSTALL = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock"];

/**
 * A new app folder in `packed.folder` with `package.json` naming the given
 * dependencies (tarball paths), installed by npm with `installArgs`.
 */
export async function installApp(
  packed: PackedPackages,
  name: string,
  manifest: AppManifest,
  installArgs: readonly string[] = [],
): Promise<string> {
  const app = path.join(packed.folder, name);
  mkdirSync(app);
  writeFileSync(
    path.join(app, "package.json"),
    `${JSON.stringify({ name, private: true, type: "module", ...manifest }, null, 2)}\n`,
  );
  await npm([...INSTALL, ...installArgs], app);
  return app;
}

/** Every package installed under `app/node_modules`, nested ones included, as `name@version`. */
export function installedPackages(app: string): string[] {
  const found: string[] = [];
  const visit = (nodeModules: string): void => {
    if (!existsSync(nodeModules)) return;
    for (const entry of readdirSync(nodeModules)) {
      if (entry.startsWith(".")) continue;
      const folders = entry.startsWith("@")
        ? readdirSync(path.join(nodeModules, entry)).map((inner) => path.join(nodeModules, entry, inner))
        : [path.join(nodeModules, entry)];
      for (const folder of folders) {
        const manifestFile = path.join(folder, "package.json");
        if (!existsSync(manifestFile)) continue;
        const { name, version } = JSON.parse(readFileSync(manifestFile, "utf8")) as { name: string; version: string };
        found.push(`${name}@${version}`);
        visit(path.join(folder, "node_modules"));
      }
    }
  };
  visit(path.join(app, "node_modules"));
  return found.sort();
}

/** The name part of `name@version`. */
export function packageName(entry: string): string {
  return entry.slice(0, entry.lastIndexOf("@"));
}
