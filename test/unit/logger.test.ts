import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const logger = path.resolve(import.meta.dirname, "../../server/shared/logger.ts");

describe("The server's log lines on stdout", function () {
  this.timeout(30_000);

  it("When a process logs many lines and exits at once (the stop after SIGTERM), then every line reaches stdout, whole and in order", async () => {
    // The default destination writes asynchronously: what is still buffered at exit must be written then.
    const script = `
      const { createLogger } = await import(${JSON.stringify(logger)});
      const log = createLogger("info");
      for (let i = 0; i < 2000; i++) log.info({ n: i }, "line");
      process.exit(0);
    `;
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { maxBuffer: 10 * 1024 * 1024 });
    const lines = stdout.trim().split("\n").map((l) => JSON.parse(l) as { n: number; msg: string; svc: string });
    assert.equal(lines.length, 2000);
    lines.forEach((l, i) => {
      assert.equal(l.n, i);
      assert.equal(l.msg, "line");
      assert.equal(l.svc, "zorgvuldig");
    });
  });
});
