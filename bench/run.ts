// `npm run bench -- <name> [--json] [...]`: runs bench/<name>.ts, whose default export takes the remaining args.
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(here).filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_")).map((f) => f.slice(0, -3));
if (!name || !existsSync(join(here, `${name}.ts`))) {
  console.error(`usage: npm run bench -- <${available.join("|")}> [--json]`);
  process.exit(2);
}
const mod = await import(pathToFileURL(join(here, `${name}.ts`)).href);
await mod.default(rest);
