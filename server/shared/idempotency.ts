import { randomUUID } from "node:crypto";
import type { RequestHandler, Response } from "express";
import { AppError } from "./errors.js";
import { odata } from "@azure/data-tables";
import { isConflict, key, type Storage } from "./storage.js";
import { canonicalJson, sha256Hex } from "./hash.js";

/**
 * Idempotency-Key for POSTs (route middleware, after the body is parsed).
 *
 * The first request with a key creates a "pending" marker in the Idempotency table (PK tenant,
 * RK sha256 of the key) with Azure's create semantics: of two concurrent requests only one creates
 * it, the other gets 409 while the first runs. A 2xx answer (status + body) is stored in the marker
 * and a retry gets it back (header Idempotent-Replayed: true) without doing the work again. A non-2xx
 * answer removes the marker, so a failed request changes nothing and can be retried. The same key
 * with another request (method, path, user or body) is 422.
 *
 * A stored answer is personal data and is kept only as long as a retry can sensibly come: after
 * IDEMPOTENCY_TTL_MS (24 hours) the key counts as unused (the marker is replaced), and the retention
 * schedule removes expired markers (purgeExpiredIdempotency).
 */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
const INSTANCE = randomUUID();
const KEY = /^[\x21-\x7e]{1,200}$/;
const CHUNK = 30_000; // characters per property (Azure: 64 KiB per string property)
const MAX_CHUNKS = 15;

interface Marker {
  state: "pending" | "done";
  requestHash: string;
  owner: string;
  createdAt: number;
  status?: number;
  etag: string;
  body?: string;
}

function readMarker(e: Record<string, unknown>): Marker {
  const parts: string[] = [];
  for (let i = 0; typeof e[`body${i}`] === "string"; i++) parts.push(String(e[`body${i}`]));
  return {
    state: e.state === "done" ? "done" : "pending",
    requestHash: String(e.requestHash),
    owner: String(e.owner),
    createdAt: Number(e.createdAt),
    ...(typeof e.status === "number" ? { status: e.status } : {}),
    etag: String(e.etag),
    ...(parts.length ? { body: parts.join("") } : {}),
  };
}

export function idempotency(storage: Storage, opts: { staleMs?: number; ttlMs?: number } = {}): RequestHandler {
  const staleMs = opts.staleMs ?? 60_000;
  const ttlMs = opts.ttlMs ?? IDEMPOTENCY_TTL_MS;
  /** Markers this instance is working on now; a pending marker of ours not in here was abandoned (a crash). */
  const inFlight = new Set<string>();

  return async (req, res, next) => {
    const header = req.get("idempotency-key");
    // The handler owns the key (the check), or the body is streamed and not read here (the CSV import,
    // an upsert that is idempotent by itself).
    if (req.method !== "POST" || header === undefined || res.locals.ownIdempotency === true || res.locals.streamedBody === true) return next();
    if (!KEY.test(header)) throw new AppError(400, "VALIDATION_FAILED", "Idempotency-Key must be 1 to 200 visible ASCII characters");
    const p = req.principal;
    if (!p) return next();
    const pk = key(p.tenantId);
    const rk = sha256Hex(header);
    const id = `${pk}\u0000${rk}`;
    const requestHash = sha256Hex(canonicalJson({ m: req.method, path: `${req.baseUrl}${req.path}`, user: p.userId, body: req.body ?? null }));

    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await storage.run("Idempotency", (t) =>
          t.createEntity({ partitionKey: pk, rowKey: rk, state: "pending", requestHash, owner: INSTANCE, createdAt: Date.now() }),
        );
      } catch (err) {
        if (!isConflict(err)) throw err;
        const e = await storage.getOrUndefined("Idempotency", pk, rk);
        if (!e) continue; // removed in between: try to create again
        const m = readMarker(e);
        if (m.state === "done" && Date.now() - m.createdAt > ttlMs) {
          // Expired: the old answer is gone for good; this request is a new one.
          await storage.run("Idempotency", (t) => t.deleteEntity(pk, rk, { etag: m.etag })).catch(() => undefined);
          continue;
        }
        if (m.requestHash !== requestHash)
          throw new AppError(422, "UNPROCESSABLE", "This Idempotency-Key was used for a different request");
        if (m.state === "done" && m.status !== undefined) {
          res.setHeader("Idempotent-Replayed", "true");
          res.status(m.status).type("application/json").send(m.body ?? "null");
          return;
        }
        const abandoned = (m.owner === INSTANCE && !inFlight.has(id)) || Date.now() - m.createdAt > staleMs;
        if (!abandoned)
          throw new AppError(409, "CONFLICT", "A request with this Idempotency-Key is still being processed", undefined, { "Retry-After": "1" });
        // The first attempt died (the server or storage went away mid-request): take over.
        await storage.run("Idempotency", (t) => t.deleteEntity(pk, rk, { etag: m.etag })).catch(() => undefined);
        continue;
      }
      inFlight.add(id);
      res.locals.requestKey = rk;
      capture(res, async (status, body) => {
        try {
          if (status >= 200 && status < 300) {
            const chunks: Record<string, string> = {};
            for (let i = 0; i * CHUNK < body.length && i < MAX_CHUNKS; i++) chunks[`body${i}`] = body.slice(i * CHUNK, (i + 1) * CHUNK);
            if (body.length > CHUNK * MAX_CHUNKS) {
              // Too large to keep: forget the key (a retry does the work again) rather than replay half.
              await storage.run("Idempotency", (t) => t.deleteEntity(pk, rk));
              return;
            }
            await storage.run("Idempotency", (t) =>
              t.updateEntity({ partitionKey: pk, rowKey: rk, state: "done", requestHash, owner: INSTANCE, createdAt: Date.now(), status, ...chunks }, "Replace"),
            );
          } else {
            await storage.run("Idempotency", (t) => t.deleteEntity(pk, rk));
          }
        } catch {
          // Storage gone: the marker stays pending and is taken over by the retry.
        } finally {
          inFlight.delete(id);
        }
      });
      return next();
    }
    throw new AppError(409, "CONFLICT", "A request with this Idempotency-Key is still being processed", undefined, { "Retry-After": "1" });
  };
}

/** Runs `before` with the status and JSON text before the answer leaves (errors included). */
function capture(res: Response, before: (status: number, body: string) => Promise<void>): void {
  const original = res.json.bind(res);
  res.json = ((body: unknown) => {
    const text = JSON.stringify(body) ?? "null";
    // `before` never rejects; should sending the answer throw (the socket is gone), the request is over.
    void before(res.statusCode, text)
      .then(() => original(body))
      .catch(() => res.destroy());
    return res;
  }) as typeof res.json;
}

/**
 * Removes the tenant's idempotency rows older than `ttlMs` (retention, R-RETAIN-IDEMPOTENCY: a stored
 * answer holds personal data): stored answers, and pending markers of requests that died (taken over
 * after a minute; a day later nobody retries them). Returns how many; `dryRun` counts and removes nothing.
 */
export async function purgeExpiredIdempotency(storage: Storage, tenantId: string, now = Date.now(), ttlMs = IDEMPOTENCY_TTL_MS, dryRun = false): Promise<number> {
  const pk = key(tenantId);
  const rows = await storage.list("Idempotency", odata`PartitionKey eq ${pk} and createdAt lt ${now - ttlMs}`, ["PartitionKey", "RowKey"]);
  if (dryRun) return rows.length;
  return storage.deleteRows("Idempotency", rows.map((r) => ({ partitionKey: pk, rowKey: String(r.rowKey) })));
}
