import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";

/**
 * Local stand-ins for Microsoft's services, for the tests and for `npm start`'s Graph simulation
 * (dev only; never imported by server/ or src/): a loopback HTTP server and an Entra authority that
 * answers MSAL without sockets.
 */

export interface Listening {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listening> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export interface TokenCall {
  url: string;
  grantType: string;
  scope: string;
  assertion?: string;
  /** How the app proved itself: "secret" or "certificate" (a signed client assertion). */
  credential: "secret" | "certificate" | "none";
}

/**
 * A fake Entra authority answering MSAL through `system.networkClient` (no sockets): instance
 * discovery, OpenID configuration and the token endpoint. `fail` makes the next token calls fail
 * the way Entra does (e.g. invalid_grant + suberror consent_required, AADSTS65001).
 */
export class FakeAuthority implements INetworkModule {
  readonly tokenCalls: TokenCall[] = [];
  fail: { error: string; error_description: string; suberror?: string; error_codes?: number[]; claims?: string } | undefined;
  issued = 0;

  constructor(private readonly host = "login.microsoftonline.com") {}

  async sendGetRequestAsync<T>(url: string, _options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const u = new URL(url);
    if (u.pathname.endsWith("/discovery/instance")) {
      const tenant = /https:\/\/[^/]+\/([^/]+)\//.exec(u.searchParams.get("authorization_endpoint") ?? "")?.[1] ?? "common";
      return this.json({
        tenant_discovery_endpoint: `https://${this.host}/${tenant}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [{ preferred_network: this.host, preferred_cache: this.host, aliases: [this.host] }],
      });
    }
    const m = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(u.pathname);
    if (m?.[1]) {
      const t = m[1];
      return this.json({
        token_endpoint: `https://${this.host}/${t}/oauth2/v2.0/token`,
        authorization_endpoint: `https://${this.host}/${t}/oauth2/v2.0/authorize`,
        end_session_endpoint: `https://${this.host}/${t}/oauth2/v2.0/logout`,
        jwks_uri: `https://${this.host}/${t}/discovery/v2.0/keys`,
        issuer: `https://${this.host}/${t}/v2.0`,
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      });
    }
    return { status: 404, headers: {}, body: {} as T };
  }

  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const form = new URLSearchParams(options?.body ?? "");
    const credential = form.get("client_assertion") ? "certificate" : form.get("client_secret") ? "secret" : "none";
    const call: TokenCall = { url, grantType: form.get("grant_type") ?? "", scope: form.get("scope") ?? "", credential };
    const assertion = form.get("assertion");
    if (assertion) call.assertion = assertion;
    this.tokenCalls.push(call);
    if (this.fail) {
      const f = this.fail;
      return { status: 400, headers: { "content-type": "application/json" }, body: { ...f, timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() } as T };
    }
    this.issued++;
    return this.json({
      token_type: "Bearer",
      scope: call.scope.split(" ").filter((s) => s !== "openid" && s !== "profile" && s !== "offline_access").join(" "),
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: `graph-token-${this.issued}`,
    });
  }

  private json<T>(body: unknown): NetworkResponse<T> {
    return { status: 200, headers: { "content-type": "application/json" }, body: body as T };
  }
}
