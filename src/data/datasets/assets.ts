// Finds the bundled assets/ folder whether we run from src/ (tsx) or from the built dist/.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DataError } from "../errors.js";

let cached: string | undefined;

export function assetPath(...parts: string[]): string {
  if (!cached) {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (let k = 0; k < 8; k++) {
      if (existsSync(join(dir, "assets", "datasets"))) {
        cached = join(dir, "assets");
        break;
      }
      dir = dirname(dir);
    }
    if (!cached) throw new DataError("FILE_NOT_FOUND", "FILE_NOT_FOUND", "the bundled assets/datasets folder is missing from this installation");
  }
  return join(cached, ...parts);
}
