import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import path from "node:path";

/** The well-known development account of Azurite (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export function azuriteConnectionString(port: number, host = "127.0.0.1", blobPort = port + 1): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `TableEndpoint=http://${host}:${port}/${AZURITE_ACCOUNT};BlobEndpoint=http://${host}:${blobPort}/${AZURITE_ACCOUNT};`
  );
}

/**
 * How long one emulator service may take to say it listens: a busy 2-core machine (tests beside a build)
 * needs more than a quiet one; AZURITE_START_TIMEOUT_MS overrides it.
 */
const START_TIMEOUT_MS = Number(process.env.AZURITE_START_TIMEOUT_MS ?? 60_000);

/** A free port that is not `other` (two quick calls can be given the same port). */
async function freePortOtherThan(other: number): Promise<number> {
  for (;;) {
    const p = await freePort();
    if (p !== other) return p;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface AzuriteOptions {
  /** Folder for persisted data; omit for in-memory. */
  location?: string;
  port?: number;
  /** Port of the Blob service (the register's checkpoints); default port + 1 when `port` is given, else a free one. */
  blobPort?: number;
  silent?: boolean;
}

/**
 * Azurite's Table service (the register) and Blob service (the register's signed checkpoints) as child
 * processes: real storage emulators, started and stopped by us. Azurite's Blob service has no
 * immutability policies and no OAuth: see docs/SECURITY.md for what that leaves untested locally.
 */
export class AzuriteProcess {
  private child: ChildProcess | undefined;
  private blobChild: ChildProcess | undefined;
  port = 0;
  blobPort = 0;

  constructor(private readonly opts: AzuriteOptions = {}) {}

  get connectionString(): string {
    return azuriteConnectionString(this.port, "127.0.0.1", this.blobPort);
  }

  get running(): boolean {
    return alive(this.child);
  }

  async start(): Promise<void> {
    if (this.running) return;
    // Ports chosen here (none configured) may be taken by another process between the choice and the
    // listen: on the first start only, such a race picks new ports and tries again. A restart keeps its
    // ports (the running server's connection string names them).
    const mayRepick = !this.port && !this.opts.port && !this.opts.blobPort;
    for (let attempt = 1; ; attempt++) {
      if (!this.port) this.port = this.opts.port ?? (await freePort());
      if (!this.blobPort) this.blobPort = this.opts.blobPort ?? (this.opts.port ? this.opts.port + 1 : await freePortOtherThan(this.port));
      const [table, blob] = await Promise.allSettled([
        this.spawnService("table", ["--tableHost", "127.0.0.1", "--tablePort", String(this.port)]),
        alive(this.blobChild) ? Promise.resolve(this.blobChild) : this.spawnService("blob", ["--blobHost", "127.0.0.1", "--blobPort", String(this.blobPort)]),
      ]);
      if (table.status === "fulfilled" && blob.status === "fulfilled") {
        this.child = table.value;
        this.blobChild = blob.value;
        return;
      }
      const failed = [table, blob].find((r): r is PromiseRejectedResult => r.status === "rejected");
      await Promise.all([table, blob].map((r) => (r.status === "fulfilled" ? stopChild(r.value, true) : undefined)));
      this.blobChild = undefined;
      const inUse = failed !== undefined && failed.reason instanceof Error && /EADDRINUSE/.test(failed.reason.message);
      if (!inUse || !mayRepick || attempt >= 3) throw failed?.reason ?? new Error("Azurite did not start");
      this.port = 0;
      this.blobPort = 0;
    }
  }

  private async spawnService(service: "table" | "blob", hostArgs: string[]): Promise<ChildProcess> {
    const require = createRequire(import.meta.url);
    const pkgDir = path.dirname(require.resolve("azurite/package.json"));
    const bin = path.join(pkgDir, "dist", "src", service, "main.js");
    const args = [bin, ...hostArgs, "--skipApiVersionCheck", "--disableProductStyleUrl", "--disableTelemetry"];
    if (this.opts.location) {
      mkdirSync(this.opts.location, { recursive: true });
      args.push("--location", this.opts.location);
    } else {
      args.push("--inMemoryPersistence");
    }
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    // The emulator never outlives the process that started it (one exit listener for all children).
    CHILDREN.add(child);
    child.once("exit", () => CHILDREN.delete(child));
    if (!exitHooked) {
      exitHooked = true;
      process.once("exit", () => {
        for (const c of CHILDREN) if (c.exitCode === null) c.kill("SIGKILL");
      });
    }
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`Azurite did not start within ${START_TIMEOUT_MS / 1000}s:\n${out}`)), START_TIMEOUT_MS);
      const onData = (chunk: Buffer): void => {
        out += chunk.toString();
        if (/successfully (listening|listens|started)/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`Azurite exited with ${code}:\n${out}`));
      });
    });
    child.removeAllListeners("exit");
    child.stdout?.removeAllListeners("data");
    child.stdout?.resume();
    child.stderr?.resume();
    return child;
  }

  /**
   * Stops the emulator (SIGKILL when hard, as a crash would). Resolves once the process is gone. A clean
   * stop is SIGINT: Azurite handles only that one by closing its store, which writes a persisted store
   * to disk (it otherwise saves every 5 s, so SIGTERM lost the last seconds of writes).
   */
  async stop(hard = false): Promise<void> {
    const blob = this.blobChild;
    this.blobChild = undefined;
    await Promise.all([stopChild(this.child, hard), stopChild(blob, hard)]);
    this.child = undefined;
  }
}

const CHILDREN = new Set<ChildProcess>();
let exitHooked = false;

function alive(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

async function stopChild(child: ChildProcess | undefined, hard: boolean): Promise<void> {
  if (!alive(child)) return;
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(hard ? "SIGKILL" : "SIGINT");
  });
}
