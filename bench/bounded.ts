/**
 * Bounded work (issue 16, item 6), each case on a fresh server child so that its RSS is its own:
 * - RSS growth of the server for a streamed CSV import of 8 MB and 50 MB for a school that is not the
 *   tenant's (answered before the body is read), and of 8 MB for a real school (target < 200 MB);
 * - the latency of small concurrent checks while 1 MB hostile bodies (U+FDFA) are checked (the event
 *   loop's delay as the small checks see it; target p99 < 50 ms).
 */
import { request } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AzuriteProcess } from "../server/shared/azurite.js";
import { fig, log, mb, ms, stats } from "./report.js";
import { devToken, startServerChild, type ServerChild } from "./server-child.js";
import { SMOKE } from "./config.js";

const TENANT = "8c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e";
const SCHOOL = "bench-school";
const HEADER = "leerlingnummer;voornaam;tussenvoegsel;achternaam;geboortedatum;klas;ouder1_naam;ouder1_email;ouder1_gezag;ouder2_naam;ouder2_email;ouder2_gezag\n";

/** A CSV export of about `bytes` bytes, made chunk by chunk (never held whole). */
async function* csv(bytes: number): AsyncGenerator<Uint8Array> {
  const enc = new TextEncoder();
  yield enc.encode(HEADER);
  let sent = HEADER.length;
  let n = 0;
  while (sent < bytes) {
    const rows: string[] = [];
    for (let i = 0; i < 500; i++, n++)
      rows.push(`${100000 + n};Kind${n};van der;Achternaam${n % 997};01-02-2015;groep ${1 + (n % 8)};Moeder ${n};moeder${n}@ouders.example;ja;Vader ${n};vader${n}@ouders.example;nee\n`);
    const chunk = enc.encode(rows.join(""));
    sent += chunk.length;
    yield chunk;
  }
}

/** node:http rather than fetch: a large real import may take longer than fetch's 300 s header timeout on a busy machine. */
async function postCsv(base: string, token: string, schoolId: string, bytes: number): Promise<number> {
  const url = new URL(`${base}/api/import/csv?schoolId=${schoolId}`);
  return new Promise<number>((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", (e: NodeJS.ErrnoException) => (e.code === "EPIPE" || e.code === "ECONNRESET" ? undefined : reject(e)));
    pipeline(Readable.from(csv(bytes)), req).catch(() => undefined);
  });
}

async function withServer<T>(connectionString: string, work: (s: ServerChild, token: string) => Promise<T>): Promise<T> {
  const server = await startServerChild(connectionString);
  try {
    const token = await devToken(server.url, "ib@bench", ["coordinator", "staff"], TENANT);
    const r = await fetch(`${server.url}/api/import`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ schools: [{ id: SCHOOL, name: "Bench school", brin: "99ZZ" }] }),
    });
    if (!r.ok) throw new Error(`school import: ${r.status} ${await r.text()}`);
    return await work(server, token);
  } finally {
    await server.stop();
  }
}

export async function runBounded(): Promise<void> {
  const azurite = new AzuriteProcess();
  await azurite.start();
  const MB = 1024 * 1024;
  const small = SMOKE ? 1 : 8;
  const large = SMOKE ? 2 : 50;
  try {
    for (const [label, schoolId, size] of [
      [`${small} MB CSV import, a school not the tenant's`, "not-our-school", small * MB],
      [`${large} MB CSV import, a school not the tenant's`, "not-our-school", large * MB],
      [`${small} MB CSV import, a real school`, SCHOOL, small * MB],
    ] as const) {
      log(`bounded: ${label}`);
      await withServer(azurite.connectionString, async (server, token) => {
        const before = await server.memory();
        const t0 = performance.now();
        const status = await postCsv(server.url, token, schoolId, size);
        const took = performance.now() - t0;
        const after = await server.memory();
        const growth = after.maxRssBytes - before.rssBytes;
        fig("Bounded", `Server RSS growth, ${label}`, `${mb(growth)} (status ${status}, ${ms(took)}, peak RSS ${mb(after.maxRssBytes)})`, "< 200 MB", growth < 200 * MB);
      });
    }

    log("bounded: small checks beside 1 MB hostile bodies (U+FDFA)");
    await withServer(azurite.connectionString, async (server, token) => {
      const call = async (body: string): Promise<number> => {
        const t0 = performance.now();
        const res = await fetch(`${server.url}/api/check`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ to: ["iemand@elders.example"], subject: "Verslag", body }),
        });
        await res.arrayBuffer();
        return performance.now() - t0;
      };
      // Warm: the directory cache and the text worker.
      await call("kort");
      await call("\uFDFA".repeat(100_000));
      const quiet: number[] = [];
      for (let i = 0; i < (SMOKE ? 20 : 200); i++) quiet.push(await call("Een korte mail over niemand."));
      const hostile = "\uFDFA".repeat(349_000); // 1 MB of UTF-8
      let running = true;
      const attackers = Array.from({ length: 2 }, async () => {
        let n = 0;
        while (running) {
          await call(hostile);
          n++;
        }
        return n;
      });
      const beside: number[] = [];
      const until = performance.now() + (SMOKE ? 2000 : 10_000);
      while (performance.now() < until) beside.push(await call("Een korte mail over niemand."));
      running = false;
      const hostileChecks = (await Promise.all(attackers)).reduce((a, b) => a + b, 0);
      const q = stats(quiet);
      const b = stats(beside);
      fig("Bounded", "Small check, quiet server", `p50 ${ms(q.p50)}, p99 ${ms(q.p99)}`);
      fig(
        "Bounded",
        "Small check beside 1 MB U+FDFA bodies (2 in flight), added delay",
        `p99 +${ms(Math.max(0, b.p99 - q.p99))} (p50 ${ms(b.p50)}, p99 ${ms(b.p99)}, ${beside.length} small and ${hostileChecks} hostile checks)`,
        "< 50 ms p99",
        b.p99 - q.p99 < 50,
      );
    });
  } finally {
    await azurite.stop();
  }
}
