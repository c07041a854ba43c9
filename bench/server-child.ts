/** The server under measurement, in a child process (bench/server-entry.ts), and the HTTP helpers that call it. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { TABLE_PREFIX, root } from "./config.js";
import type { FromServer, ToServer } from "./server-entry.js";

export interface ServerChild {
  url: string;
  child: ChildProcess;
  memory(): Promise<{ rssBytes: number; maxRssBytes: number; heapUsedBytes: number }>;
  /** The server's event-loop delay since the last call (the first call: since it started). */
  loopDelay(): Promise<{ p50Ms: number; p99Ms: number; maxMs: number }>;
  /** The server process's CPU time so far, in milliseconds (user and system). */
  cpuMs(): Promise<{ user: number; system: number; gc: number }>;
  /** The inspector's CPU profile of the server from `start` to `stop` (written to `file`). */
  profile(what: "start" | "stop", file?: string): Promise<void>;
  stop(): Promise<void>;
}

/** `dir`: the checkout whose server runs (default this one; BENCH_SERVER_BASELINE gives an earlier one). */
export async function startServerChild(connectionString: string, dir = root): Promise<ServerChild> {
  const cpuProf = process.env.BENCH_CPU_PROF === "1";
  const profDir = path.join(root, "bench", "profiles");
  if (cpuProf || process.env.BENCH_CPU_PROF === "cases") mkdirSync(profDir, { recursive: true });
  const args = [...(cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []), "--import", "tsx", path.join(dir, "bench", "server-entry.ts")];
  const child = spawn(process.execPath, args, {
    cwd: dir,
    stdio: ["ignore", process.env.BENCH_SERVER_LOG === "1" ? "inherit" : "ignore", "pipe", "ipc"],
    env: {
      ...process.env,
      // Dev mode (self-issued tokens, loopback Azurite) refuses NODE_ENV=production; express and pino
      // behave the same for a JSON API in "test". What "test" adds, every answer checked against its
      // declared schema (a test's safety net), is off as in production: the bench measures what users get.
      NODE_ENV: "test",
      VALIDATE_RESPONSES: "false",
      STORAGE_CONNECTION_STRING: connectionString,
      TABLE_PREFIX,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
      STORAGE_TIMEOUT_MS: "30000",
      DIRECTORY_CACHE_SECONDS: "3600",
      // One bench user sends thousands of checks a minute: the per-user and per-tenant limits are lifted.
      RATE_LIMIT_PER_MINUTE_USER: "100000000",
      RATE_LIMIT_PER_MINUTE_TENANT: "100000000",
    },
  });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const waiters: ((m: FromServer) => void)[] = [];
  child.on("message", (m: unknown) => {
    const w = waiters.shift();
    if (w) w(m as FromServer);
  });
  const next = (): Promise<FromServer> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`server exited (${code}):\n${stderr}`));
      child.once("exit", onExit);
      waiters.push((m) => {
        child.removeListener("exit", onExit);
        resolve(m);
      });
    });
  const send = (m: ToServer): void => {
    child.send(m);
  };
  /** Asks the server one question ("memory", "loop", "cpu") and returns its answer of that type. */
  const ask = async <K extends "memory" | "loop" | "cpu">(type: K): Promise<Extract<FromServer, { type: K }>> => {
    const reply = next();
    send({ type });
    const m = await reply;
    if (m.type !== type) throw new Error("unexpected reply");
    return m as Extract<FromServer, { type: K }>;
  };
  const ready = await next();
  if (ready.type !== "ready") throw new Error("server did not report ready");
  process.once("exit", () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return {
    url: ready.url,
    child,
    memory: () => ask("memory"),
    loopDelay: () => ask("loop"),
    async cpuMs() {
      const m = await ask("cpu");
      return { user: m.userMicros / 1000, system: m.systemMicros / 1000, gc: m.gcMs };
    },
    async profile(what, file) {
      const reply = next();
      send(what === "start" ? { type: "profile-start" } : { type: "profile-stop", file: file ?? path.join(profDir, `${Date.now()}.cpuprofile`) });
      if ((await reply).type !== "profiled") throw new Error("unexpected reply");
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      send({ type: "stop" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function devToken(base: string, user: string, roles: string[], tenantId: string): Promise<string> {
  const res = await fetch(`${base}/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user, roles, tenantId }) });
  if (!res.ok) throw new Error(`dev token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export async function call<T>(base: string, token: string, method: string, p: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}

export async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await work(item);
      }
    }),
  );
}
