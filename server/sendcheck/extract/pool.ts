import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Extracted } from "./formats.js";

/**
 * A small pool of extraction workers, so a large PDF never blocks the event loop that serves other
 * checks. Each job has a time budget: a worker that overruns it is terminated (and replaced), and the
 * attachment counts as unreadable ("timeout"). Jobs wait in a queue when every worker is busy.
 */

export interface ExtractionPoolOptions {
  /** Workers (default: half the cores, at least 1, at most 4). */
  size?: number;
  /** Milliseconds one attachment may take (default 10 s). */
  budgetMs?: number;
}

interface Pending {
  id: number;
  bytes: Uint8Array;
  name: string;
  contentType: string | undefined;
  resolve: (r: Extracted) => void;
}

interface Slot {
  worker: Worker;
  job?: Pending;
  timer?: ReturnType<typeof setTimeout>;
}

const WORKER_URL = new URL("./worker.ts", import.meta.url);

/**
 * The worker is TypeScript, like the server (run by tsx: npm start, the App Service's `npx tsx`, mocha's
 * `--import=tsx`). A worker does not get the parent's loader hooks, so it registers tsx itself first.
 */
/**
 * tsx's ESM registration API as a file URL, resolved here (a data: URL cannot resolve a package name).
 * `import.meta.resolve` is absent when tsx runs this module as CommonJS (mocha), and the package's
 * CommonJS variant cannot register hooks in a worker, so the `import` entry of its exports map is used.
 */
function tsxApiUrl(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { exports?: Record<string, { import?: { default?: string } }> };
  const entry = pkg.exports?.["./esm/api"]?.import?.default ?? "./dist/esm/api/index.mjs";
  return pathToFileURL(path.join(path.dirname(pkgPath), entry)).href;
}

function spawn(): Worker {
  const opts = { resourceLimits: { maxOldGenerationSizeMb: 512 } };
  const boot = `import { register } from ${JSON.stringify(tsxApiUrl())}; register(); await import(${JSON.stringify(WORKER_URL.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), opts);
}

export class ExtractionPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly budgetMs: number;
  private readonly size: number;
  private nextId = 1;
  private closed = false;

  constructor(opts: ExtractionPoolOptions = {}) {
    this.size = opts.size ?? Math.min(4, Math.max(1, Math.floor(availableParallelism() / 2)));
    this.budgetMs = opts.budgetMs ?? 10_000;
  }

  /** The text of an attachment, or why it is unreadable. Never rejects. */
  extract(bytes: Uint8Array, name: string, contentType?: string): Promise<Extracted> {
    if (this.closed) return Promise.resolve({ status: "unreadable", reason: "timeout" });
    return new Promise<Extracted>((resolve) => {
      this.queue.push({ id: this.nextId++, bytes, name, contentType, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.resolve({ status: "unreadable", reason: "timeout" });
    await Promise.all(this.slots.splice(0).map((s) => this.stop(s)));
  }

  private async stop(s: Slot): Promise<void> {
    if (s.timer) clearTimeout(s.timer);
    s.job?.resolve({ status: "unreadable", reason: "timeout" });
    s.job = undefined;
    await s.worker.terminate().catch(() => undefined);
  }

  private slot(): Slot | undefined {
    const idle = this.slots.find((s) => !s.job);
    if (idle) return idle;
    if (this.slots.length >= this.size) return undefined;
    const s: Slot = { worker: spawn() };
    s.worker.on("message", (m: { id: number; result: Extracted }) => {
      if (!s.job || s.job.id !== m.id) return;
      this.finish(s, m.result);
    });
    const lost = (): void => {
      this.remove(s);
      if (s.job) this.finish(s, { status: "unreadable", reason: "damaged" });
    };
    s.worker.on("error", lost);
    s.worker.on("exit", lost);
    s.worker.unref();
    this.slots.push(s);
    return s;
  }

  private remove(s: Slot): void {
    const i = this.slots.indexOf(s);
    if (i !== -1) this.slots.splice(i, 1);
  }

  private finish(s: Slot, r: Extracted): void {
    if (s.timer) clearTimeout(s.timer);
    s.timer = undefined;
    const job = s.job;
    s.job = undefined;
    job?.resolve(r);
    this.pump();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const s = this.slot();
      if (!s) return;
      const job = this.queue.shift();
      if (!job) return;
      s.job = job;
      s.timer = setTimeout(() => {
        // Over budget: this worker is ended (and a fresh one made for the next job).
        this.remove(s);
        void this.stop(s).then(() => this.pump());
      }, this.budgetMs);
      // A copy of its own is transferred: transferring the caller's buffer would empty the caller's bytes
      // (a Buffer that owns its memory is detached), so its length and a second reading would be lost.
      const copy = new Uint8Array(job.bytes);
      s.worker.postMessage({ id: job.id, bytes: copy, name: job.name, contentType: job.contentType }, [copy.buffer]);
      job.bytes = new Uint8Array(0);
    }
  }
}
