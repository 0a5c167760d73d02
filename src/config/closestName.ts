/**
 * "Did you mean" suggestions for misspelled option names: the candidate with
 * the smallest edit distance, if it is close enough to be a plausible typo.
 */

/** Levenshtein distance, case-insensitive: `maxretries` is one typo from `maxRetries`, not many. */
function editDistance(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[right.length] ?? 0;
}

/**
 * The candidate nearest to `input`, or undefined when none is within a third
 * of the longer name's length (at least 2 edits), so unrelated names get no
 * advice while a dropped suffix (`maxRetry`) still does.
 */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(input, name);
    const limit = Math.max(2, Math.ceil(Math.max(input.length, name.length) / 3));
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
