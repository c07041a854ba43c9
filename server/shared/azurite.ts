import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import path from "node:path";

/** The well-known development account of Azurite (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export function azuriteConnectionString(port: number, host = "127.0.0.1"): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `TableEndpoint=http://${host}:${port}/${AZURITE_ACCOUNT};BlobEndpoint=http://${host}:${port + 1}/${AZURITE_ACCOUNT};`
  );
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
  silent?: boolean;
}

/** Azurite's Table service as a child process: real storage emulator, started and stopped by us. */
export class AzuriteProcess {
  private child: ChildProcess | undefined;
  port = 0;

  constructor(private readonly opts: AzuriteOptions = {}) {}

  get connectionString(): string {
    return azuriteConnectionString(this.port);
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    if (!this.port) this.port = this.opts.port ?? (await freePort());
    const require = createRequire(import.meta.url);
    const pkgDir = path.dirname(require.resolve("azurite/package.json"));
    const bin = path.join(pkgDir, "dist", "src", "table", "main.js");
    const args = [bin, "--tableHost", "127.0.0.1", "--tablePort", String(this.port), "--skipApiVersionCheck", "--disableProductStyleUrl", "--disableTelemetry"];
    if (this.opts.location) {
      mkdirSync(this.opts.location, { recursive: true });
      args.push("--location", this.opts.location);
    } else {
      args.push("--inMemoryPersistence");
    }
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    // The emulator never outlives the process that started it.
    const killChild = (): void => {
      if (child.exitCode === null) child.kill("SIGKILL");
    };
    process.once("exit", killChild);
    child.once("exit", () => process.removeListener("exit", killChild));
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`Azurite did not start within 20s:\n${out}`)), 20000);
      const onData = (chunk: Buffer): void => {
        out += chunk.toString();
        if (/successfully (listening|started)/.test(out)) {
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
  }

  /**
   * Stops the emulator (SIGKILL when hard, as a crash would). Resolves once the process is gone. A clean
   * stop is SIGINT: Azurite handles only that one by closing its store, which writes a persisted store
   * to disk (it otherwise saves every 5 s, so SIGTERM lost the last seconds of writes).
   */
  async stop(hard = false): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
      child.once("exit", () => {
        clearTimeout(force);
        resolve();
      });
      child.kill(hard ? "SIGKILL" : "SIGINT");
    });
    this.child = undefined;
  }
}
