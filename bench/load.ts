/**
 * Bounded load test (not part of npm test): `npx tsx bench/load.ts [connections] [seconds]`
 * (default 50 clients for 60 s) against the real server on loopback with an in-memory Azurite.
 * A mix of what the clients do most: the send check of a mail naming a student to a colleague (staff;
 * different students), a student search and register views (coordinator; each view is recorded).
 * Disclosures are left out on purpose: 50 clients appending to ONE student's chain measure contention
 * on that partition (ETag retries), not the service. Prints errors, non-2xx, p50/p99 latency and the server's
 * heap before and after (after a GC); exits 1 on any error or non-2xx, or when the heap stays more
 * than 50 MB above its start.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { createRequire } from "node:module";
import { startStack } from "../test/support/stack.js";

/** The part of autocannon's API used here (loaded with require: the bench does not depend on its typings). */
interface CannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}
interface CannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  latency: { p50: number; p99: number };
  requests: { total: number };
}
type Cannon = (opts: { url: string; connections: number; duration: number; requests: CannonRequest[] }) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Cannon;

export interface LoadResult {
  connections: number;
  seconds: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  p50ms: number;
  p99ms: number;
  heapStartMB: number;
  heapEndMB: number;
}

function gc(): void {
  v8.setFlagsFromString("--expose-gc");
  const collect = vm.runInNewContext("gc") as () => void;
  collect();
  collect();
}

const heapMB = (): number => Math.round((process.memoryUsage().heapUsed / 1048576) * 10) / 10;

export async function runLoad(connections: number, seconds: number): Promise<LoadResult> {
  const stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE_USER: "100000000", RATE_LIMIT_PER_MINUTE_TENANT: "100000000", LOG_LEVEL: "warn" } });
  try {
    const staff = await stack.token("leerkracht@demo", ["staff"]);
    const coord = await stack.token();
    // Warm the directory cache and the JIT before measuring the heap.
    await stack.api("POST", "/api/check", { to: ["jgz@ggd-voorbeeldregio.example"], subject: "Jan de Vries", body: "" }, { token: staff });
    gc();
    const heapStartMB = heapMB();
    const json = { "content-type": "application/json" };
    const r = await autocannon({
      url: stack.baseUrl,
      connections,
      duration: seconds,
      requests: [
        ...["Jan de Vries", "Noor van der Berg", "Daan Jansen", "Zoë Bakker", "Sem van Dijk"].map(
          (name): CannonRequest => ({
            method: "POST",
            path: "/api/check",
            headers: { ...json, authorization: `Bearer ${staff}` },
            body: JSON.stringify({ to: ["collega@regenboog.school.example"], subject: `Verslag ${name}`, body: `Zie bijlage over ${name}.` }),
          }),
        ),
        { method: "GET", path: "/api/students?query=jan", headers: { authorization: `Bearer ${coord}` } },
        ...["lln-001", "lln-002", "lln-003", "lln-004"].map(
          (id): CannonRequest => ({ method: "GET", path: `/api/students/${id}/register`, headers: { authorization: `Bearer ${coord}` } }),
        ),
      ],
    });
    await new Promise((res) => setTimeout(res, 500));
    gc();
    return {
      connections,
      seconds,
      requests: r.requests.total,
      errors: r.errors,
      timeouts: r.timeouts,
      non2xx: r.non2xx,
      p50ms: r.latency.p50,
      p99ms: r.latency.p99,
      heapStartMB,
      heapEndMB: heapMB(),
    };
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const connections = Number(process.argv[2] ?? 50);
  const seconds = Number(process.argv[3] ?? 60);
  runLoad(connections, seconds).then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      const ok = r.errors === 0 && r.timeouts === 0 && r.non2xx === 0 && r.heapEndMB - r.heapStartMB < 50;
      process.exit(ok ? 0 : 1);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
