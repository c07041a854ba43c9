import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
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
  it("When one line is logged and the process goes on running, then the line reaches stdout within the flush period (lines are gathered up to 4 KB, not held until more come)", async () => {
    const script = `
      const { createLogger } = await import(${JSON.stringify(logger)});
      const log = createLogger("info");
      log.info({ n: 1 }, "alone");
      setTimeout(() => undefined, 20_000);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
          if (out.includes("\n")) resolve(out);
        });
        child.once("exit", (code) => reject(new Error(`exited (${code}) before the line came: ${out}`)));
        // The flush period is one second; loading tsx takes a few more. The process is still running.
        setTimeout(() => reject(new Error(`no line within 10 s: ${JSON.stringify(out)}`)), 10_000);
      });
      assert.equal(child.exitCode, null, "the line came while the process still ran");
      const parsed = JSON.parse(line.trim()) as { n: number; msg: string };
      assert.equal(parsed.msg, "alone");
      assert.equal(parsed.n, 1);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
