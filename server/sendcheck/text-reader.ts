import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { AppError } from "../shared/errors.js";
import { readTexts, type TextJob, type TextResult } from "./text-worker.js";

/** tsx's ESM API (register()), for a worker of the TypeScript sources; resolved from this file. */
const TSX_API = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist", "esm", "api", "index.mjs")).href;

/** What the send check reads from a mail's texts before the rules: the detector's tokens per text and whether a BSN is there. */
export interface ReadTexts {
  tokens: string[][];
  bsn: boolean;
}

/**
 * Reads a mail's texts (HTML reduced, normalised, tokenised; the BSN rule's reading) with bounded work:
 * - small mails (at most `inlineChars` characters in all) on the event loop, where it costs well under a
 *   millisecond per KB;
 * - larger ones in one worker thread, so a 1 MB body never stalls the small checks that run beside it;
 * - a time budget per mail (`budgetMs`): a worker past it is ended (and replaced) and the check answers
 *   422 TEXT_TOO_COMPLEX, on which the add-in follows the school's fail mode. Never a partial reading:
 *   a name at the end of a long mail is found or the check fails.
 * Normalisation itself is bounded (normalise.ts: no character grows more than fourfold).
 */
export class TextReader {
  private worker: Promise<Worker> | undefined;
  private current: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: TextResult) => void; reject: (e: unknown) => void; timer: NodeJS.Timeout }>();
  /** The worker's queue: one mail at a time, in order (each job's budget starts when it starts). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: { inlineChars: number; budgetMs: number }) {}

  async read(texts: string[], bsnTexts: string[]): Promise<ReadTexts> {
    const size = texts.reduce((n, t) => n + t.length, 0);
    const job: TextJob = { id: this.nextId++, texts, bsnTexts };
    const r = size <= this.opts.inlineChars ? readTexts(job) : await this.inWorker(job);
    return { tokens: r.tokens.map((t) => (t === "" ? [] : t.split(" "))), bsn: r.bsn };
  }

  private inWorker(job: TextJob): Promise<TextResult> {
    const run = this.queue.then(async () => {
      const w = await this.ensureWorker();
      return new Promise<TextResult>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiting.delete(job.id);
          this.worker = undefined;
          this.current = undefined;
          void w.terminate();
          reject(new AppError(422, "TEXT_TOO_COMPLEX", "The mail's text could not be read within the check's time budget"));
        }, this.opts.budgetMs);
        this.waiting.set(job.id, { resolve, reject, timer });
        w.postMessage(job);
      });
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private ensureWorker(): Promise<Worker> {
    if (this.worker) return this.worker;
    // The server runs its TypeScript through tsx: the worker loads it the same way (a built .js needs nothing).
    // (Node 20 does not apply an inherited --import loader to a worker's own entry file, so the worker
    // registers tsx itself before importing it.)
    const ts = import.meta.url.endsWith(".ts");
    const entry = new URL(ts ? "./text-worker.ts" : "./text-worker.js", import.meta.url).href;
    const w = ts
      ? new Worker(`import(${JSON.stringify(TSX_API)}).then((t) => t.register()).then(() => import(${JSON.stringify(entry)}))`, { eval: true })
      : new Worker(new URL(entry));
    w.unref();
    const ready = new Promise<Worker>((resolve, reject) => {
      w.on("message", (r: TextResult | "ready") => {
        if (r === "ready") return resolve(w);
        const p = this.waiting.get(r.id);
        if (!p) return;
        clearTimeout(p.timer);
        this.waiting.delete(r.id);
        p.resolve(r);
      });
      w.on("error", (e) => (reject(e), this.fail(w, e)));
      w.on("exit", () => (reject(new Error("text worker exited")), this.fail(w, new Error("text worker exited"))));
    });
    this.worker = ready;
    this.current = w;
    return ready;
  }

  private fail(w: Worker, e: unknown): void {
    if (this.current === w) {
      this.worker = undefined;
      this.current = undefined;
    }
    for (const [id, p] of this.waiting) {
      clearTimeout(p.timer);
      this.waiting.delete(id);
      p.reject(e);
    }
  }

  async close(): Promise<void> {
    const w = this.current;
    this.worker = undefined;
    this.current = undefined;
    if (w) await w.terminate();
  }
}
