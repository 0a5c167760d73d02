/**
 * What model and emit ask of a build cache: the artifact an identical
 * generator made from the same input, if one was kept. Declared here, on the
 * side that uses it, so model and emit import no cache: the compiler hands
 * them its cache (src/cache/generatorCache.ts has this shape), tests and
 * `--no-cache` hand them `NO_MEMO`.
 */

/** The kinds of artifact remembered; part of each key. */
export type MemoizedArtifact = "validator-source" | "validator-module" | "payload-types" | "pattern-check";

export interface ArtifactMemo {
  /** False for NO_MEMO: callers then skip computing keys. */
  readonly enabled: boolean;
  get(kind: MemoizedArtifact, input: string): string | undefined;
  set(kind: MemoizedArtifact, input: string, output: string): void;
}

/** Remembers nothing. */
export const NO_MEMO: ArtifactMemo = { enabled: false, get: () => undefined, set: () => undefined };
