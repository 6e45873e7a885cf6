// Serves a few in-memory files on 127.0.0.1 (module workers need http, not file:) and drives one page in headless
// Chromium (Debian's /usr/bin/chromium via playwright-core), recording console errors and every request.
import { createServer, type Server } from "node:http";
import type { Page } from "playwright-core";
import { withChromium } from "../report/chromium.js";

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json" };

export async function serve(files: Record<string, string | Uint8Array>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const body = files[path === "/" ? "/index.html" : path];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[/\.[a-z]+$/.exec(path)?.[0] ?? ".html"] ?? "application/octet-stream" }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

export interface Session {
  page: Page;
  errors: string[];
  requests: string[];
}

/** Opens `url` in a fresh headless Chromium, runs `use` on the page, closes everything. */
export async function withPage<T>(url: string, use: (s: Session) => Promise<T>): Promise<T> {
  return withChromium(async (context) => {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    context.on("request", (r) => { if (!r.url().startsWith("data:")) requests.push(r.url()); });
    await page.goto(url, { waitUntil: "load" });
    return await use({ page, errors, requests });
  });
}
