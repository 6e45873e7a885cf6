// A real Redis for tests: Debian's redis-server on a free loopback port (127.0.0.1 only), no persistence,
// stopped by its pid. `.ci/run` installs it; outside CI a machine without it skips the queue tests.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, createConnection } from "node:net";

export const REDIS_SERVER = "/usr/bin/redis-server";

export function redisMissing(): string | false {
  if (existsSync(REDIS_SERVER)) return false;
  if (process.env.CI) throw new Error(`${REDIS_SERVER} is missing (.ci/run installs redis-server)`);
  return `${REDIS_SERVER} is not installed (apt-get install redis-server)`;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port });
    s.on("connect", () => s.write("PING\r\n"));
    s.on("data", (d) => (s.destroy(), resolve(d.toString().startsWith("+PONG"))));
    s.on("error", () => resolve(false));
  });
}

export class TestRedis {
  private proc: ChildProcess | null = null;
  private constructor(readonly port: number, private readonly dir: string) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  static async start(dir: string): Promise<TestRedis> {
    const r = new TestRedis(await freePort(), dir);
    await r.launch();
    return r;
  }

  private async launch(): Promise<void> {
    this.proc = spawn(REDIS_SERVER, ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir], { stdio: "ignore" });
    const deadline = Date.now() + 10_000;
    while (!(await ping(this.port))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on 127.0.0.1:${this.port}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** SIGKILL (everything in it is lost: no persistence), then a fresh server on the same port. */
  async restart(): Promise<void> {
    await this.stop("SIGKILL");
    await this.launch();
  }

  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((resolve) => p.once("exit", resolve));
    process.kill(p.pid!, signal);
    await exited;
  }
}
