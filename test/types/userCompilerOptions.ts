/**
 * The compiler options of a user's strict project, as the type tests write
 * them into a tsconfig.json. `@pgmq-gen/runtime` (and `pgmq-gen/runtime`)
 * resolve to the sources through the packages' own condition.
 */
export const strictUserOptions = {
  strict: true,
  noEmit: true,
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  customConditions: ["pgmq-gen-source"],
  types: ["node"],
  skipLibCheck: true,
  noUncheckedIndexedAccess: true,
} as const;
