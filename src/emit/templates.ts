/**
 * Doc-comment texts of the generated code, kept in templates/ so the words a
 * user reads can be edited without touching the emitter. `{{name}}`
 * placeholders are filled from a value table; a missing or unused value is a
 * bug in the emitter, so both throw.
 */
import { readFileSync } from "node:fs";

// src/emit/ and dist/emit/ are both two levels below the package root, next to templates/.
const TEMPLATES_DIR = new URL("../../templates/", import.meta.url);
const cache = new Map<string, string>();

function template(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(name, TEMPLATES_DIR), "utf8").replace(/\r\n/g, "\n").trimEnd();
    cache.set(name, text);
  }
  return text;
}

export function fillTemplate(name: string, values: Readonly<Record<string, string>>): string {
  const used = new Set<string>();
  const text = template(name).replace(/\{\{(\w+)\}\}/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template ${name} needs a value for {{${key}}}`);
    used.add(key);
    return value;
  });
  const unused = Object.keys(values).filter((key) => !used.has(key));
  if (unused.length > 0) throw new Error(`template ${name} has no placeholder for ${unused.join(", ")}`);
  return text;
}
