/**
 * The packed packages as their users resolve them: arethetypeswrong checks
 * each entry point's types for ESM under `moduleResolution` node16/nodenext
 * and bundler; an app with both packages installed gets one runtime (the
 * CLI package re-exports it) and a CLI that writes the example's generated
 * code byte for byte.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  installApp,
  npm,
  type PackedPackages,
  packPackages,
  repoRoot,
  startEmptyScopeRegistry,
} from "./support/packages.js";

interface AttwResult {
  readonly exitCode: number;
  readonly report: {
    analysis: {
      packageName: string;
      /** Every problem attw found, those its profile ignores included. */
      problems: { kind: string; entrypoint?: string; resolutionKind?: string }[];
      entrypoints: Record<
        string,
        { resolutions: Record<string, { resolution?: { fileName: string; isTypeScript: boolean } }> }
      >;
    };
  };
}

/** The resolutions an ESM-only package must pass: attw's CommonJS ones (node10, require from node16) do not apply. */
const ESM_RESOLUTIONS = ["node16-esm", "bundler"];

/** The problems that count for an ESM-only package (those without a resolution apply to all). */
function esmProblems(report: AttwResult["report"]): AttwResult["report"]["analysis"]["problems"] {
  return report.analysis.problems.filter(
    (problem) => problem.resolutionKind === undefined || ESM_RESOLUTIONS.includes(problem.resolutionKind),
  );
}

/** `--profile esm-only`: the exit code ignores the CommonJS resolutions. */
function attw(tarball: string): AttwResult {
  const bin = path.join(repoRoot, "node_modules/@arethetypeswrong/cli/dist/index.js");
  const args = [bin, tarball, "--profile", "esm-only", "--format", "json"];
  try {
    const output = execFileSync(process.execPath, args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
    return { exitCode: 0, report: JSON.parse(output) };
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    return { exitCode: failed.status, report: JSON.parse(failed.stdout) };
  }
}

let packed: PackedPackages;

interface RuntimeManifest {
  version: string;
  exports: Record<string, { types: string }>;
}

/** The runtime's tarball unpacked into `packed.folder/<name>`, its package.json changed by `edit`, packed again. */
async function repackedRuntime(name: string, edit: (manifest: RuntimeManifest) => void): Promise<string> {
  const folder = path.join(packed.folder, name);
  mkdirSync(folder);
  execFileSync("tar", ["-xzf", packed.runtime, "-C", folder], { timeout: 30_000 });
  const manifestFile = path.join(folder, "package", "package.json");
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as RuntimeManifest;
  edit(manifest);
  writeFileSync(manifestFile, JSON.stringify(manifest));
  const [written] = JSON.parse(
    await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", folder], path.join(folder, "package")),
  ) as { filename: string }[];
  return path.join(folder, written!.filename);
}

beforeAll(async () => {
  packed = await packPackages();
}, 120_000);

afterAll(() => packed?.remove());

describe("the packed packages' exports and types (arethetypeswrong)", () => {
  const entryPoints = {
    runtime: [".", "./contract"],
    cli: [".", "./runtime", "./compiler"],
  } as const;

  for (const which of ["runtime", "cli"] as const) {
    test(`issue 13 #1: every entry point of ${which === "runtime" ? "@pgmq-gen/runtime" : "pgmq-gen"} resolves to its .d.ts under node16 (ESM) and bundler`, () => {
      const { exitCode, report } = attw(packed[which]);
      expect(esmProblems(report)).toEqual([]);
      expect(exitCode).toBe(0);
      for (const entry of entryPoints[which]) {
        const resolutions = report.analysis.entrypoints[entry]?.resolutions;
        for (const kind of ESM_RESOLUTIONS) {
          expect(resolutions?.[kind]?.resolution?.fileName, `${entry} under ${kind}`).toMatch(/\/dist\/[\w/]+\.d\.ts$/);
        }
      }
    });
  }

  test("issue 13 #1: the check fails on a package whose types point nowhere", async () => {
    const broken = await repackedRuntime("broken", (manifest) => {
      manifest.exports["./contract"] = { ...manifest.exports["./contract"], types: "./dist/missing.d.ts" };
    });
    const { exitCode, report } = attw(broken);
    expect(exitCode).not.toBe(0);
    expect(esmProblems(report)).toContainEqual(expect.objectContaining({ entrypoint: "./contract" }));
  });
});

describe("an app with both packages installed", () => {
  let app: string;

  beforeAll(async () => {
    app = await installApp(packed, "app", {
      dependencies: { "@pgmq-gen/runtime": packed.runtime },
      devDependencies: { "pgmq-gen": packed.cli },
    });
  }, 300_000);

  test("issue 13 #1: pgmq-gen carries no copy of the runtime: neither compiled into its dist nor nested", () => {
    const cliDist = path.join(app, "node_modules/pgmq-gen/dist");
    const files = readdirSync(cliDist, { recursive: true }).map(String);
    expect(files.filter((file) => /(^|\/)(producer|pgmq|codec|worker)\.js$/.test(file))).toEqual([]);
    expect(existsSync(path.join(app, "node_modules/pgmq-gen/node_modules/@pgmq-gen"))).toBe(false);
  });

  test("issue 13 #1: imports from pgmq-gen, pgmq-gen/runtime and @pgmq-gen/runtime are the same objects", () => {
    const script = [
      'import * as cli from "pgmq-gen";',
      'import * as legacy from "pgmq-gen/runtime";',
      'import * as runtime from "@pgmq-gen/runtime";',
      "const names = ['UnrecoverableError', 'closePool', 'configure', 'createQueueWorker', 'ValidationError'];",
      "console.log(JSON.stringify({",
      "  same: names.filter((name) => cli[name] === runtime[name] && legacy[name] === runtime[name] && runtime[name] !== undefined),",
      "  instanceOf: new cli.UnrecoverableError('x') instanceof runtime.UnrecoverableError,",
      "  defineConfig: typeof cli.defineConfig,",
      "}));",
    ].join("\n");
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: app,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(JSON.parse(output)).toEqual({
      same: ["UnrecoverableError", "closePool", "configure", "createQueueWorker", "ValidationError"],
      instanceOf: true,
      defineConfig: "function",
    });
  });

  test("issue 13 #1: a runtime of another version is refused by npm (a peer dependency), never installed as a second copy", async () => {
    const other = await repackedRuntime("runtime-0.2.0", (manifest) => {
      manifest.version = "0.2.0";
    });
    // npm looks for a runtime 0.1.0 in the registry before it gives up: the scope's registry is a local empty one.
    const registry = await startEmptyScopeRegistry();
    try {
      const install = installApp(
        packed,
        "mismatched-app",
        { dependencies: { "@pgmq-gen/runtime": other }, devDependencies: { "pgmq-gen": packed.cli } },
        registry.args,
      );
      await expect(install).rejects.toThrow(/ERESOLVE[\s\S]*peer @pgmq-gen\/runtime@"0\.1\.0"/);
    } finally {
      await registry.close();
    }
    expect(existsSync(path.join(packed.folder, "mismatched-app", "node_modules", "pgmq-gen"))).toBe(false);
  });

  test("issue 13 #1: the packed CLI writes the example's generated/ byte for byte", () => {
    cpSync(path.join(repoRoot, "pgmq.config.ts"), path.join(app, "pgmq.config.ts"));
    cpSync(path.join(repoRoot, "schemas"), path.join(app, "schemas"), { recursive: true });
    execFileSync(process.execPath, [path.join(app, "node_modules/pgmq-gen/dist/cli/main.js")], {
      cwd: app,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    });
    const written = readdirSync(path.join(app, "generated")).sort();
    expect(written).toEqual(readdirSync(path.join(repoRoot, "generated")).sort());
    for (const file of written) {
      expect(readFileSync(path.join(app, "generated", file), "utf8"), file).toBe(
        readFileSync(path.join(repoRoot, "generated", file), "utf8"),
      );
    }
  });
});
