/**
 * The extraction worker thread: receives an attachment's bytes (transferred, not copied), answers its
 * text or why it is unreadable. The pool (pool.ts) ends it when it overruns its time budget.
 */
import { parentPort } from "node:worker_threads";
import { extractText, type Extracted } from "./formats.js";

interface Job {
  id: number;
  bytes: Uint8Array;
  name: string;
  contentType?: string;
}

const port = parentPort;
if (port) {
  port.on("message", (job: Job) => {
    // A parser that throws makes the file unreadable at once, not a job left to run out its time budget.
    void extractText(job.bytes, job.name, job.contentType)
      .catch((): Extracted => ({ status: "unreadable", reason: "damaged" }))
      .then((result) => port.postMessage({ id: job.id, result }));
  });
}
