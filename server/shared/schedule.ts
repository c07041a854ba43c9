import { AppError } from "./errors.js";
import type { Logger } from "./logger.js";

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
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
