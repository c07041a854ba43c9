/**
 * A local HTTP server that answers the add-in's calls with canned API answers, so the handler is tested
 * over real HTTP before (and besides) the real backend. Each test sets `next` to what POST /api/check does.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type CheckBehaviour =
  | { kind: "json"; status?: number; body: unknown; delayMs?: number }
  | { kind: "text"; status?: number; body: string };

export interface CannedApi {
  baseUrl: string;
  next: CheckBehaviour;
  /** Bodies POSTed to /api/check, and their Idempotency-Key headers. */
  checks: unknown[];
  /** Attachment uploads: their headers and bytes. */
  uploads: { check: string; name: string; contentType: string; bytes: Buffer }[];
  keys: string[];
  tokenRequests: number;
  close(): Promise<void>;
}

export async function startCannedApi(): Promise<CannedApi> {
  const sockets = new Set<import("node:net").Socket>();
  const api: CannedApi = {
    baseUrl: "",
    next: { kind: "json", body: {} },
    checks: [],
    uploads: [],
    keys: [],
    tokenRequests: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    let raw = "";
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      chunks.push(c);
      raw += c.toString("utf8");
    });
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/api/check/attachments") {
        const name = decodeURIComponent(String(req.headers["x-zv-name"] ?? ""));
        api.uploads.push({ check: String(req.headers["x-zv-check"] ?? ""), name, contentType: String(req.headers["content-type"] ?? ""), bytes: Buffer.concat(chunks) });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ receipt: `receipt-of-${name}`, name, status: "read", students: 0 }));
        return;
      }
      if (req.method === "POST" && req.url === "/dev/token") {
        api.tokenRequests++;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ token: "dev-token", expiresIn: 3600, tenantId: "demo" }));
        return;
      }
      if (req.method === "POST" && req.url === "/api/check") {
        if (req.headers.authorization !== "Bearer dev-token") {
          res.writeHead(401, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { code: "UNAUTHENTICATED", message: "no token" } }));
          return;
        }
        api.checks.push(raw ? (JSON.parse(raw) as unknown) : undefined);
        api.keys.push(String(req.headers["idempotency-key"] ?? ""));
        const b = api.next;
        const send = (): void => {
          if (res.destroyed) return;
          res.writeHead(b.status ?? 200, { "content-type": b.kind === "json" ? "application/json" : "text/plain" });
          res.end(b.kind === "json" ? JSON.stringify(b.body) : b.body);
        };
        if (b.kind === "json" && b.delayMs) setTimeout(send, b.delayMs);
        else send();
        return;
      }
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "NOT_FOUND", message: "not found" } }));
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  api.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}

/** A check answer in the shape of server/sendcheck/schemas.ts. */
export function checkAnswer(verdict: "allow" | "warn" | "block", over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    checkId: "chk_0123456789abcdef01234567",
    verdict,
    message:
      verdict === "allow"
        ? "Mag verzonden worden."
        : verdict === "warn"
          ? "Let op: de ouders zijn nog niet geïnformeerd over deze verstrekking."
          : "Niet verzenden: er is geen toestemming van de ouders voor GGD Regio.",
    students: [{ id: "s1", name: "Daan de Vries" }],
    recipients: [
      {
        address: "jgz@ggd-regio.nl",
        kind: "party",
        party: { id: "ggd", name: "GGD Regio", kind: "ggd" },
        verdict,
        basis: verdict === "block" ? "none" : "consent",
        reasons: [{ code: verdict === "block" ? "NO_CONSENT" : "CONSENT_VALID", message: "Geen toestemming vastgelegd.", studentId: "s1" }],
      },
    ],
    policy: { sendMode: "soft-block", failMode: "block", sendBudgetSeconds: 20 },
    ...over,
  };
}
