/**
 * The server as its own process for the benchmarks, so that its memory and CPU are its own. Started by
 * bench/run.ts with an IPC channel: it reports "ready" with its URL, answers "memory" with its RSS and
 * peak RSS, and on "stop" closes and exits (which writes a CPU profile when run with --cpu-prof).
 * Configuration comes from the environment (STORAGE_CONNECTION_STRING, TABLE_PREFIX, LOG_LEVEL).
 * Graph is the local simulation (scripts/dev/graph-sim.ts, as `npm start` wires it): the bench puts mails
 * in a sender's Sent Items through POST /dev/outlook/sent-items and confirms them with the sweep
 * (bench/confirm.ts). No scheduled sweep and no subscriptions: the bench sweeps on demand.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { loadConfig } from "../server/config.js";
import { startServer } from "../server/main.js";
import { startDevGraph } from "../scripts/dev/outlook-sim.js";

export type ToServer =
  | { type: "memory" }
  | { type: "loop" }
  | { type: "stop" }
  /** The CPU time this process used so far (user + system). */
  | { type: "cpu" }
  /** Starts the inspector's CPU profiler (one case of a group); "profile-stop" writes it to `file`. */
  | { type: "profile-start" }
  | { type: "profile-stop"; file: string };
export type FromServer =
  | { type: "ready"; url: string }
  | { type: "memory"; rssBytes: number; maxRssBytes: number; heapUsedBytes: number }
  /** Event-loop delay in milliseconds since the last "loop" message (or the start). */
  | { type: "loop"; p50Ms: number; p99Ms: number; maxMs: number }
  /** `gcMs`: the garbage collector's pauses so far (their total, in ms). */
  | { type: "cpu"; userMicros: number; systemMicros: number; gcMs: number }
  | { type: "profiled" };

function isToServer(m: unknown): m is ToServer {
  return (
    typeof m === "object" &&
    m !== null &&
    "type" in m &&
    (m.type === "memory" || m.type === "loop" || m.type === "stop" || m.type === "cpu" || m.type === "profile-start" || (m.type === "profile-stop" && "file" in m && typeof m.file === "string"))
  );
}

function send(m: FromServer): void {
  process.send?.(m);
}

const graph = await startDevGraph({ sweepSeconds: 0 });
const config = loadConfig({ ...process.env, ...graph.env, HOST: "127.0.0.1", PORT: "0", SEED_DEMO: "false" });
const running = await startServer(config, { graphAuth: graph.graphAuth, devRoutes: graph.routes });
// How long callbacks wait for the server's event loop (10 ms sampling): what extraction would cost the
// other requests if it ran on the main thread.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const close = (): Promise<void> => running.close().finally(() => graph.close());

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ["gc"] });

let inspector: Session | undefined;
async function profile(m: Extract<ToServer, { type: "profile-start" | "profile-stop" }>): Promise<void> {
  if (m.type === "profile-start") {
    inspector ??= new Session();
    inspector.connect();
    await inspector.post("Profiler.enable");
    await inspector.post("Profiler.setSamplingInterval", { interval: 200 });
    await inspector.post("Profiler.start");
  } else if (inspector) {
    const { profile: p } = await inspector.post("Profiler.stop");
    writeFileSync(m.file, JSON.stringify(p));
    inspector.disconnect();
  }
  send({ type: "profiled" });
}

process.on("message", (m: unknown) => {
  if (!isToServer(m)) return;
  if (m.type === "cpu") {
    const c = process.cpuUsage();
    send({ type: "cpu", userMicros: c.user, systemMicros: c.system, gcMs });
  } else if (m.type === "profile-start" || m.type === "profile-stop") {
    void profile(m);
  } else if (m.type === "memory") {
    const mem = process.memoryUsage();
    send({ type: "memory", rssBytes: mem.rss, maxRssBytes: process.resourceUsage().maxRSS * 1024, heapUsedBytes: mem.heapUsed });
  } else if (m.type === "loop") {
    send({ type: "loop", p50Ms: loop.percentile(50) / 1e6, p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 });
    loop.reset();
  } else {
    void close().finally(() => process.exit(0));
  }
});
process.on("disconnect", () => {
  void close().finally(() => process.exit(0));
});
send({ type: "ready", url: running.url });
