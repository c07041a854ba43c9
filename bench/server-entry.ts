/**
 * The server as its own process for the benchmarks, so that its memory and CPU are its own. Started by
 * bench/run.ts with an IPC channel: it reports "ready" with its URL, answers "memory" with its RSS and
 * peak RSS, and on "stop" closes and exits (which writes a CPU profile when run with --cpu-prof).
 * Configuration comes from the environment (STORAGE_CONNECTION_STRING, TABLE_PREFIX, LOG_LEVEL).
 */
import { loadConfig } from "../server/config.js";
import { startServer } from "../server/main.js";

export type ToServer = { type: "memory" } | { type: "stop" };
export type FromServer =
  | { type: "ready"; url: string }
  | { type: "memory"; rssBytes: number; maxRssBytes: number; heapUsedBytes: number };

function isToServer(m: unknown): m is ToServer {
  return typeof m === "object" && m !== null && "type" in m && (m.type === "memory" || m.type === "stop");
}

function send(m: FromServer): void {
  process.send?.(m);
}

const config = loadConfig({ ...process.env, HOST: "127.0.0.1", PORT: "0", SEED_DEMO: "false" });
const running = await startServer(config);

process.on("message", (m: unknown) => {
  if (!isToServer(m)) return;
  if (m.type === "memory") {
    const mem = process.memoryUsage();
    send({ type: "memory", rssBytes: mem.rss, maxRssBytes: process.resourceUsage().maxRSS * 1024, heapUsedBytes: mem.heapUsed });
  } else {
    void running.close().finally(() => process.exit(0));
  }
});
process.on("disconnect", () => {
  void running.close().finally(() => process.exit(0));
});
send({ type: "ready", url: running.url });
