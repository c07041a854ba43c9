import assert from "node:assert/strict";
import type { Timers } from "../../server/shared/schedule.js";

/** A schedule's timers, fired by hand; `now` is the clock the run reads (when it is given one). */
export class FakeClock implements Timers {
  now = new Date();
  private fn: (() => Promise<void>) | undefined;
  setInterval(fn: () => Promise<void>, _ms: number): unknown {
    this.fn = fn;
    return 1;
  }
  clearInterval(): void {
    this.fn = undefined;
  }
  /** Moves the clock to `at` and lets one scheduled run happen. */
  async runAt(at: Date): Promise<void> {
    this.now = at;
    assert.ok(this.fn, "the schedule is running");
    await this.fn();
  }
}
