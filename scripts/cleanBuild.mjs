// Removes both packages' build output before `npm run build`, so a module that
// was moved or deleted in src/ cannot survive in dist/ and be packed.
import { rmSync } from "node:fs";

for (const folder of ["dist", "packages/runtime/dist"])
  rmSync(new URL(`../${folder}`, import.meta.url), { recursive: true, force: true });
