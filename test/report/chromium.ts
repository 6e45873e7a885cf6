// Opens a local HTML file in headless Chromium (Debian's /usr/bin/chromium via playwright-core) and reports what
// a reader would see: every image (decoded size, displayed width), console errors, and every request the page made.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
export const chromiumMissing = !existsSync(CHROMIUM);
const inCi = process.env.CI === "true";

/** node:test options: skip with a clear message locally when Chromium is absent, but run (and fail) in CI. */
export const browserTestOptions = {
  timeout: 180_000,
  skip: chromiumMissing && !inCi ? `${CHROMIUM} not found: install Debian's chromium to run the browser tests (required when CI=true)` : false,
};

export interface PageView {
  url: string;
  title: string;
  images: { alt: string; complete: boolean; w: number; h: number; shown: number }[];
  errors: string[];
  /** Every request except data: URIs, the page itself included. */
  requests: string[];
}

/** Loads each file in turn in one browser and returns what each page showed. */
export async function viewPages(paths: string[]): Promise<PageView[]> {
  return withChromium(async (context) => {
    const tab = await context.newPage();
    const views: PageView[] = [];
    for (const path of paths) {
      const url = pathToFileURL(path).href;
      const requests: string[] = [];
      const errors: string[] = [];
      const onRequest = (r: { url(): string }) => { if (!r.url().startsWith("data:")) requests.push(r.url()); };
      const onConsole = (m: { type(): string; text(): string }) => { if (m.type() === "error") errors.push(m.text()); };
      const onError = (e: Error) => errors.push(String(e));
      tab.on("request", onRequest);
      tab.on("console", onConsole);
      tab.on("pageerror", onError);
      await tab.goto(url, { waitUntil: "load" });
      const images = await tab.evaluate(async () => {
        await Promise.all(Array.from(document.images).map((i) => i.decode().catch(() => undefined)));
        return Array.from(document.images).map((i) => ({ alt: i.alt, complete: i.complete, w: i.naturalWidth, h: i.naturalHeight, shown: i.getBoundingClientRect().width }));
      });
      views.push({ url, title: await tab.title(), images, errors, requests });
      tab.off("request", onRequest);
      tab.off("console", onConsole);
      tab.off("pageerror", onError);
    }
    return views;
  });
}

/** Runs `use` in a fresh headless Chromium with its own profile folder; closes it and removes the profile after. */
export async function withChromium<T>(use: (context: BrowserContext) => Promise<T>): Promise<T> {
  if (chromiumMissing) throw new Error(`${CHROMIUM} is missing but CI=true: .ci/run must install chromium`);
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "tl-chromium-profile-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    return await use(context);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
