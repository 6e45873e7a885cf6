// Types of playground.mjs for the playground test.
export function playgroundVite(): Promise<unknown | null>;
export function startPlayground(opts?: { port?: number }): Promise<{ url: string; close(): Promise<void> }>;
