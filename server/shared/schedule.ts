import { AppError } from "./errors.js";
import type { Logger } from "./logger.js";

/** The clock a schedule runs on (tests pass a fake one). */
export interface Timers {
  /** `fn` returns the tick's promise (a fake clock awaits it). */
  setInterval(fn: () => Promise<void>, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Real timers, unref'd: a schedule never keeps the process alive. */
export const REAL_TIMERS: Timers = {
  setInterval: (fn, ms) => {
    const t = setInterval(() => void fn(), ms);
    t.unref();
    return t;
  },
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

/**
 * Runs `job` for every tenant every `intervalMs` (0: never), one run at a time, on an unref'd timer so
 * it never keeps the process alive. A failed run is logged by its error name and code only (no personal
 * data) and the next run tries again. Returns a stop function.
 */
export function everyTenant(
  intervalMs: number,
  tenants: () => Promise<string[]>,
  job: (tenantId: string) => Promise<void>,
  log: Logger,
  what: string,
  timers: Timers = REAL_TIMERS,
): () => void {
  if (intervalMs <= 0) return () => undefined;
  let busy = false;
  const tick = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      for (const tenantId of await tenants()) await job(tenantId);
    } catch (err) {
      log.warn({ errName: err instanceof Error ? err.name : "unknown", code: err instanceof AppError ? err.code : undefined }, `${what} failed`);
    } finally {
      busy = false;
    }
  };
  const timer = timers.setInterval(tick, intervalMs);
  return () => timers.clearInterval(timer);
}

/**
 * `fn` over `items` with at most `limit` in flight; the results in the items' order. After a failure no
 * further item is started, the ones in flight finish, and the first error is thrown.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  let failed: { err: unknown } | undefined;
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
      while (!failed && next < items.length) {
        const i = next++;
        try {
          out[i] = await fn(items[i] as T, i);
        } catch (err) {
          failed ??= { err };
        }
      }
    }),
  );
  if (failed) throw failed.err;
  return out;
}
