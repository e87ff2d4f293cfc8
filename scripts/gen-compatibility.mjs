// Writes docs/compatibility.md from the directive registry (run after `npm run build`).
import { writeFileSync } from "node:fs";
import { renderCompatibility } from "../dist/src/docs/compatibility.js";
writeFileSync(new URL("../docs/compatibility.md", import.meta.url), renderCompatibility());
