/**
 * The worker thread of `TextReader` (text-reader.ts): reads the texts of one mail (the detector's tokens
 * and the BSN fact) off the main event loop. Pure functions only; the directory never comes here.
 */
import { parentPort } from "node:worker_threads";
import { textTokens } from "../directory/normalise.js";
import { containsBsn } from "./content-rules.js";

export interface TextJob {
  id: number;
  texts: string[];
  /** The texts the BSN rule reads (subject and body). */
  bsnTexts: string[];
}
export interface TextResult {
  id: number;
  /** Per text its tokens joined by a space (a token never holds one): one string crosses the thread cheaply. */
  tokens: string[];
  bsn: boolean;
}

export function readTexts(job: TextJob): TextResult {
  return { id: job.id, tokens: job.texts.map((t) => textTokens(t).join(" ")), bsn: job.bsnTexts.some(containsBsn) };
}

parentPort?.on("message", (job: TextJob) => {
  parentPort?.postMessage(readTexts(job));
});
// Loaded: the budget of a job starts only now (loading the sources is not the mail's fault).
parentPort?.postMessage("ready");
