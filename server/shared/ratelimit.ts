import type { RequestHandler } from "express";
import { AppError } from "./errors.js";

/**
 * A sliding-window counter (the previous window's count, weighted by how much of it still overlaps,
 * plus the current window's): O(1) memory per key, in memory per instance. Behind several instances
 * each enforces its own share; the platform's front door limits in front of that.
 */
export class SlidingWindowLimiter {
  private readonly windows = new Map<string, { index: number; curr: number; prev: number }>();
  private calls = 0;

  constructor(
    readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts one hit for `key`; returns 0 when allowed, otherwise the seconds to wait. */
  take(key: string, now = Date.now()): number {
    const index = Math.floor(now / this.windowMs);
    let w = this.windows.get(key);
    if (!w || w.index < index - 1) w = { index, curr: 0, prev: 0 };
    else if (w.index === index - 1) w = { index, curr: 0, prev: w.curr };
    this.windows.set(key, w);
    if (++this.calls % 1000 === 0) this.sweep(index);
    const elapsed = now - index * this.windowMs;
    const weight = 1 - elapsed / this.windowMs;
    const estimate = w.prev * weight + w.curr;
    if (estimate + 1 <= this.limit) {
      w.curr++;
      return 0;
    }
    // Wait until the estimate has room for one more: the rest of the window if the current one is full,
    // else until enough of the previous window has slid out.
    let waitMs: number;
    if (w.curr + 1 > this.limit || w.prev === 0) waitMs = this.windowMs - elapsed;
    else waitMs = this.windowMs * (1 - (this.limit - w.curr - 1) / w.prev) - elapsed;
    return Math.max(1, Math.ceil(waitMs / 1000));
  }

  private sweep(index: number): void {
    for (const [k, w] of this.windows) if (w.index < index - 1) this.windows.delete(k);
  }
}

/** Per user and per tenant limits (after authentication): 429 RATE_LIMITED with Retry-After. */
export function rateLimit(opts: { perUserPerMinute: number; perTenantPerMinute: number }): RequestHandler {
  const users = new SlidingWindowLimiter(opts.perUserPerMinute);
  const tenants = new SlidingWindowLimiter(opts.perTenantPerMinute);
  return (req, _res, next) => {
    const p = req.principal;
    if (!p) return next();
    const wait = users.take(`${p.tenantId}\u0000${p.userId}`) || tenants.take(p.tenantId);
    if (wait > 0) {
      next(new AppError(429, "RATE_LIMITED", "Too many requests; try again later", undefined, { "Retry-After": String(wait) }));
      return;
    }
    next();
  };
}

/**
 * The anonymous routes' limit (the Graph webhook, the parents' page, the API document): per client
 * address, checked before anything else runs for the request (no body read, no token, no storage).
 * Behind the App Service front end the address is the client's (trust proxy 1).
 */
export function anonymousRateLimit(perMinute: number): RequestHandler {
  const addresses = new SlidingWindowLimiter(perMinute);
  return (req, _res, next) => {
    const wait = addresses.take(req.ip ?? req.socket.remoteAddress ?? "unknown");
    if (wait > 0) {
      next(new AppError(429, "RATE_LIMITED", "Too many requests; try again later", undefined, { "Retry-After": String(wait) }));
      return;
    }
    next();
  };
}
