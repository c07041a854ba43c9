/**
 * The HTTP floor of a recording check (bench/recording.ts): a bare Express server in a process of its
 * own that does only the check's storage work behind the same HTTP hop. `POST /floor` parses the JSON
 * body (the same 2 KB mail as the check's), makes one Azurite point read of the student's HEAD row and
 * one insert of a row of the pending record's size: the storage floor's own operation (readInsertOp in
 * floor.ts: the bench's tables, a table of its own for the rows, the partition the check's record would
 * have), and answers JSON of the check's answer size. No token, no validation, no rules: what any server that makes the check's two storage
 * calls costs on this machine. Started over IPC by recording.ts: reports "ready" with its URL, exits on
 * "stop". Environment: STORAGE_CONNECTION_STRING, FLOOR_STUDENTS
 * (how many students' HEAD rows to read in turn), FLOOR_RECORD_CHARS, FLOOR_ANSWER_CHARS, FLOOR_ONE_STUDENT.
 */
import type { AddressInfo } from "node:net";
import express from "express";
import { readInsertOp } from "./floor.js";

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const answer = JSON.stringify({ filler: "y".repeat(Math.max(0, Number(env("FLOOR_ANSWER_CHARS")) - 13)) });
// The very read and insert of the storage floor (floor.ts), here behind Express.
const op = await readInsertOp(env("STORAGE_CONNECTION_STRING"), Number(env("FLOOR_STUDENTS")), Number(env("FLOOR_RECORD_CHARS")), env("FLOOR_ONE_STUDENT") === "1", "http");
let n = 0;

const app = express();
app.post("/floor", express.json({ limit: "1mb" }), async (_req, res, next) => {
  try {
    await op(n++);
    res.status(201).type("application/json").send(answer);
  } catch (err) {
    next(err);
  }
});
const server = app.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "ready", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on("message", () => server.close(() => process.exit(0)));
process.on("disconnect", () => process.exit(0));
