/**
 * A local HTTP server that answers the add-in's calls with canned API answers, so the handler is tested
 * over real HTTP before (and besides) the real backend. Each test sets `next` to what POST /api/check does.
 */
import { listen } from "../../../scripts/dev/local-services.js";
import { configure } from "../../../src/addin/onsend/config.js";
import { clearTokenCache } from "../../../src/addin/onsend/token.js";

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
  const api: CannedApi = {
    baseUrl: "",
    next: { kind: "json", body: {} },
    checks: [],
    uploads: [],
    keys: [],
    tokenRequests: 0,
    close: async () => {},
  };
  const server = await listen((req, res) => {
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
  api.baseUrl = server.url;
  api.close = server.close;
  return api;
}

/**
 * Registers the hooks of the handler tests against a canned API in the calling `describe`: the API started
 * once, and before each test no cached token and the handler configured for it (dev mode). Returns the API:
 * every member reads (and `next` sets) the started one.
 */
export function useCannedApi(): CannedApi {
  let api: CannedApi | undefined;
  before(async () => {
    api = await startCannedApi();
  });
  after(async () => {
    configure(undefined);
    await api?.close();
  });
  const started = (): CannedApi => {
    if (api === undefined) throw new Error("the canned API is not started (use it inside a test or a later hook)");
    return api;
  };
  beforeEach(() => {
    clearTokenCache();
    configure({ apiBaseUrl: started().baseUrl, devMode: true });
  });
  return new Proxy({} as CannedApi, {
    get: (_, k) => Reflect.get(started(), k),
    set: (_, k, v) => Reflect.set(started(), k, v),
  });
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
