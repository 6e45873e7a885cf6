// `npm run playground` (scripts/playground.mjs): the page imports transferlab's browser build from ../dist, which
// that script rebuilds first; workers are ES modules like the page.
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  resolve: {
    alias: [
      { find: /^transferlab\/browser-worker(?=\?|$)/, replacement: `${dist}browser-worker.js` },
      { find: /^transferlab\/browser$/, replacement: `${dist}browser.js` },
    ],
  },
  worker: { format: "es" },
  server: { host: "127.0.0.1" },
  logLevel: "warn",
});
