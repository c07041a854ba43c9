/**
 * The HTTP floor of a recording check (bench/recording.ts): a bare Express server in a process of its
 * own that does only the check's storage work behind the same HTTP hop. `POST /floor` parses the JSON
 * body (the same 2 KB mail as the check's), makes one Azurite point read of the student's HEAD row and
 * one insert of a row of the pending record's size (a table of its own, in the partition the check's record would have), and answers JSON of the check's
 * answer size. No token, no validation, no rules: what any server that makes the check's two storage
 * calls costs on this machine. Started over IPC by recording.ts: reports "ready" with its URL, exits on
 * "stop". Environment: STORAGE_CONNECTION_STRING, FLOOR_TABLE_PREFIX, FLOOR_TENANT, FLOOR_STUDENTS
 * (how many students' HEAD rows to read in turn), FLOOR_RECORD_CHARS, FLOOR_ANSWER_CHARS, FLOOR_ONE_STUDENT.
 */
import type { AddressInfo } from "node:net";
import { TableClient } from "@azure/data-tables";
import express from "express";
import { checkPartition } from "../server/sendcheck/repository.js";
import { key } from "../server/shared/storage.js";
import { studentId } from "./board.js";

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const conn = env("STORAGE_CONNECTION_STRING");
const prefix = env("FLOOR_TABLE_PREFIX");
const tenant = env("FLOOR_TENANT");
const students = Number(env("FLOOR_STUDENTS"));
const data = "x".repeat(Number(env("FLOOR_RECORD_CHARS")));
const answer = JSON.stringify({ filler: "y".repeat(Math.max(0, Number(env("FLOOR_ANSWER_CHARS")) - 13)) });

const retryOptions = { maxRetries: 2, retryDelayInMs: 100, maxRetryDelayInMs: 800 };
const events = TableClient.fromConnectionString(conn, `${prefix}Events`, { allowInsecureConnection: true, retryOptions });
const checks = TableClient.fromConnectionString(conn, `${prefix}FloorChecks`, { allowInsecureConnection: true, retryOptions });
await checks.createTable();
const run = `http${Date.now().toString(36)}`;
const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
let n = 0;

const app = express();
app.post("/floor", express.json({ limit: "1mb" }), async (_req, res, next) => {
  try {
    const i = n++;
    await events.getEntity(key(tenant, studentId(process.env.FLOOR_ONE_STUDENT === "1" ? 0 : i % students)), "HEAD");
    const rowKey = `${run}_${i}`;
    await checks.createEntity({ partitionKey: checkPartition(tenant, rowKey), rowKey, state: "pending", sentBy: "mentor@bestuur", expiresAt, data });
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
