// Types of build-browser.mjs for the tests that bundle in memory.
import type { BuildResult } from "esbuild";
export function bundleBrowser(opts?: { minify?: boolean; write?: boolean }): Promise<BuildResult<{ metafile: true; write: false }>>;
