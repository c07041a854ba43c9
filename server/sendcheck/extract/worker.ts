/**
 * The extraction worker thread: receives an attachment's bytes (transferred, not copied), answers its
 * text or why it is unreadable. The pool (pool.ts) ends it when it overruns its time budget.
 */
import { parentPort } from "node:worker_threads";
import { extractText } from "./formats.js";

interface Job {
  id: number;
  bytes: Uint8Array;
  name: string;
  contentType?: string;
}

const port = parentPort;
if (port) {
  port.on("message", (job: Job) => {
    void extractText(job.bytes, job.name, job.contentType).then((result) => port.postMessage({ id: job.id, result }));
  });
}
