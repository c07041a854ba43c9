import type { AnyRoute, RouteInput, RouteOutput } from "../../contract/route.js";
import type { RouteRef } from "../../contract/route-ref.js";
import { urlOf } from "../../contract/url.js";

/**
 * The one HTTP client the front ends use to reach the backend. Errors arrive in the backend's shape
 * `{"error":{"code","message","details"}}` and are thrown as ApiError with that code.
 */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The input of `call`: may be left out when the route needs none. */
export type CallArgs<Rt extends AnyRoute> = {} extends RouteInput<Rt> ? [input?: RouteInput<Rt>] : [input: RouteInput<Rt>];

export type TokenProvider = () => Promise<string>;

export interface ApiClientOptions {
  baseUrl: string;
  getToken: TokenProvider;
  /** Preferred language of messages ("nl" or "en"). */
  lang?: string;
  fetchImpl?: typeof fetch;
}

export class ApiClient {
  constructor(private readonly opts: ApiClientOptions) {}

  async request<T>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    const token = await this.opts.getToken();
    const f = this.opts.fetchImpl ?? fetch;
    const res = await f(`${this.opts.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        "accept-language": this.opts.lang ?? "nl",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...extraHeaders,
      },
      body: body === undefined ? undefined : body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ApiError(res.status, "BAD_RESPONSE", "The server sent an answer that is not JSON");
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
      throw new ApiError(
        res.status,
        typeof err?.code === "string" ? err.code : "HTTP_" + res.status,
        typeof err?.message === "string" ? err.message : res.statusText,
        err?.details,
      );
    }
    return json as T;
  }

  /**
   * Calls a route of the contract: `call(routes.student, { params: { id } })`. The input and the answer
   * are typed by the route's schemas (contract/routes.ts); the front ends pass the route's reference
   * (contract/route-refs.ts: method, path, body type), so their bundles carry no schemas. A binary route's body is sent as raw bytes
   * (application/octet-stream unless the input's headers name another type).
   */
  call<Rt extends AnyRoute>(route: Rt | RouteRef<Rt>, ...args: CallArgs<Rt>): Promise<RouteOutput<Rt>> {
    const input = (args[0] ?? {}) as { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown; headers?: Record<string, string> };
    const url = urlOf(route, input.params, input.query);
    const headers =
      route.bodyType === "binary"
        ? Object.assign({ "content-type": "application/octet-stream" }, input.headers)
        : route.bodyType === "csv"
          ? Object.assign({ "content-type": "text/csv; charset=utf-8" }, input.headers)
          : input.headers;
    // A CSV route's body is its text, sent as UTF-8 bytes (not as JSON).
    const body = route.bodyType === "csv" && typeof input.body === "string" ? new TextEncoder().encode(input.body) : (input.body ?? {});
    return this.request<RouteOutput<Rt>>(route.method.toUpperCase(), url, route.method === "get" ? undefined : body, headers);
  }

  /**
   * Fetches a document route's answer (a PDF, say) as a Blob: `download(routes.accessLetter, { params: { id } })`.
   * Errors arrive as JSON and are thrown as ApiError, as `call` does.
   */
  async download<Rt extends AnyRoute>(route: Rt | RouteRef<Rt>, ...args: CallArgs<Rt>): Promise<Blob> {
    const input = (args[0] ?? {}) as { params?: Record<string, string>; query?: Record<string, unknown> };
    const token = await this.opts.getToken();
    const f = this.opts.fetchImpl ?? fetch;
    const res = await f(`${this.opts.baseUrl}${urlOf(route, input.params, input.query)}`, {
      method: route.method.toUpperCase(),
      headers: { authorization: `Bearer ${token}`, "accept-language": this.opts.lang ?? "nl" },
    });
    if (res.ok) return res.blob();
    const err = ((await res.json().catch(() => undefined)) as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    throw new ApiError(res.status, typeof err?.code === "string" ? err.code : "HTTP_" + res.status, typeof err?.message === "string" ? err.message : res.statusText, err?.details);
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }
  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T> {
    return this.request<T>("POST", path, body, headers);
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PUT", path, body);
  }
}

/** Dev mode only: asks the local backend for a token (POST /dev/token). */
export function devTokenProvider(baseUrl: string, user: string, roles: string[] = ["coordinator"], tenantId?: string): TokenProvider {
  let cached: { token: string; exp: number } | undefined;
  // The first calls of a page start together: they share one request for the token.
  let asking: Promise<string> | undefined;
  const ask = async (): Promise<string> => {
    const res = await fetch(`${baseUrl}/dev/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user, roles, ...(tenantId ? { tenantId } : {}) }),
    });
    if (!res.ok) throw new ApiError(res.status, "DEV_TOKEN_FAILED", "Could not get a development token");
    const j = (await res.json()) as { token: string; expiresIn: number };
    cached = { token: j.token, exp: Date.now() + j.expiresIn * 1000 };
    return j.token;
  };
  return async () => {
    if (cached && cached.exp - 60_000 > Date.now()) return cached.token;
    asking ??= ask().finally(() => {
      asking = undefined;
    });
    return asking;
  };
}
