/** validatorRuntime.formats is typed by each format's kind (ValidatorFormats): the values must be of those kinds. */
import { describe, expect, it } from "vitest";
import { validatorRuntime } from "../../packages/runtime/src/validatorRuntime.js";

type Kind = "function" | "validate" | "regexp" | "true";

function kindOf(format: unknown): Kind | "other" {
  if (typeof format === "function") return "function";
  if (format instanceof RegExp) return "regexp";
  if (format === true) return "true";
  if (
    typeof format === "object" &&
    format !== null &&
    typeof (format as { validate?: unknown }).validate === "function"
  )
    return "validate";
  return "other";
}

const KINDS: Record<keyof typeof validatorRuntime.formats, Kind> = {
  uri: "function",
  regex: "function",
  byte: "function",
  date: "validate",
  time: "validate",
  "date-time": "validate",
  "iso-time": "validate",
  "iso-date-time": "validate",
  int32: "validate",
  int64: "validate",
  float: "validate",
  double: "validate",
  duration: "regexp",
  "uri-reference": "regexp",
  "uri-template": "regexp",
  url: "regexp",
  email: "regexp",
  hostname: "regexp",
  ipv4: "regexp",
  ipv6: "regexp",
  uuid: "regexp",
  "json-pointer": "regexp",
  "json-pointer-uri-fragment": "regexp",
  "relative-json-pointer": "regexp",
  password: "true",
  binary: "true",
};

describe("validatorRuntime.formats", () => {
  it("issue 13 #4: each ajv-formats format is of the kind ValidatorFormats gives it, and there are no others", () => {
    const formats = validatorRuntime.formats as unknown as Record<string, unknown>;
    expect(Object.keys(formats).sort()).toEqual(Object.keys(KINDS).sort());
    expect(Object.fromEntries(Object.keys(KINDS).map((name) => [name, kindOf(formats[name])]))).toEqual(KINDS);
  });
});
