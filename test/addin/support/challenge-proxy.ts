/**
 * A local stand-in for the backend on its own port: it forwards every request to the real server, except
 * the calls a test told it to answer itself (once each), e.g. `401 INTERACTION_REQUIRED` with Entra's
 * claims challenge, or `403 CONSENT_REQUIRED`, as the real server answers when Entra asks for them
 * (server/graph/client.ts). The task pane is opened from this origin, so all its calls pass here.
 */
import http from "node:http";
import { listen } from "../../../scripts/dev/local-services.js";

export interface Scripted {
  method: string;
  /** Path without the query. */
  path: string;
  status: number;
  body: unknown;
}

export interface ChallengeProxy {
  url: string;
  /** Answers still to give, first match wins; each is given once. */
  script: Scripted[];
  /** Every call that reached the proxy ("METHOD /path"). */
  seen: string[];
  close(): Promise<void>;
}

export async function startChallengeProxy(target: string): Promise<ChallengeProxy> {
  const to = new URL(target);
  const proxy: ChallengeProxy = { url: "", script: [], seen: [], close: async () => {} };
  const server = await listen((req, res) => {
    const method = req.method ?? "GET";
    const p = (req.url ?? "/").split("?")[0] ?? "/";
    proxy.seen.push(`${method} ${p}`);
    const i = proxy.script.findIndex((s) => s.method === method && s.path === p);
    if (i >= 0) {
      const [s] = proxy.script.splice(i, 1);
      req.resume();
      res.writeHead(s?.status ?? 500, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(s?.body ?? {}));
      return;
    }
    const fwd = http.request(
      { host: to.hostname, port: to.port, method, path: req.url, headers: { ...req.headers, host: to.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        // The server under test may close mid-answer when a test ends: end the answer, never throw.
        up.on("error", () => res.destroy());
        up.pipe(res);
      },
    );
    fwd.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.on("error", () => fwd.destroy()); // the browser went away mid-request
    req.pipe(fwd);
  });
  proxy.url = server.url;
  proxy.close = server.close;
  return proxy;
}
