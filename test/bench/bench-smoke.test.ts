/**
 * `npm run bench` in its smoke size (BENCH_SMOKE=1: 500 students, 400 events, 1 s runs): the whole
 * run completes and prints every figure. No timing is asserted; the machine decides those.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/** Every figure the run prints ("  Section | name: value"); the value may say "not built" or "not measured". */
const FIGURES: [string, RegExp][] = [
  ["Floor", /Azurite point read of a register HEAD row \(getEntity\), 1 in flight: p50 [\d.]+ ms, p99 [\d.]+ ms/],
  ["Floor", /Azurite point read, 10 in flight: p50 [\d.]+ ms/],
  ["Checks", /First check after an import \(cold directory cache\): [\d.]+ ms/],
  ["Checks", /2 KB mail, 1 student, 1 party: 1 connection: p50 [\d.]+ ms, p99 [\d.]+ ms, \d+\/s; p50 = [\d.]+x floor/],
  ["Checks", /2 KB mail, 1 student, 1 party: 10 connections, \d+ s: p50 [\d.]+ ms, p99 [\d.]+ ms, \d+ checks\/s/],
  ["Checks", /100 KB mail, 5 students, 3 recipients: 1 connection: p50 [\d.]+ ms.*verdict \w+, 5 student/],
  ["Checks", /100 KB mail, 5 students, 3 recipients: 10 connections, \d+ s: p50 [\d.]+ ms/],
  ["Checks", /2 KB mail about nobody: 1 connection: p50 [\d.]+ ms.*0 student/],
  ["Checks", /2 KB mail about nobody: 10 connections, \d+ s: p50 [\d.]+ ms/],
  ["Floor", /Azurite point read \+ insert of a \d+-char pending record, different students \(interleaved with the check\): 1 in flight p50 [\d.]+ ms, p99 [\d.]+ ms; 10 in flight p50 [\d.]+ ms/],
  ["Floor", /Azurite point read \+ insert of a \d+-char pending record, always the same student \(interleaved with the check\): 1 in flight p50 [\d.]+ ms, p99 [\d.]+ ms; 10 in flight p50 [\d.]+ ms/],
  ["Recording", /Recording check \(mode send\), 2 KB mail, 1 student, different students: 1 connection: p50 [\d.]+ ms, p99 [\d.]+ ms; p50 = [\d.]+x floor \(read \+ insert\).*1 student/],
  ["Recording", /Recording check \(mode send\), 2 KB mail, 1 student, different students: 10 connections, \d+ windows of [\d.]+ s: p50 [\d.]+ ms, p99 [\d.]+ ms; p50 = [\d.]+x floor \(read \+ insert, 10 in flight\)/],
  ["Recording", /Recording check \(mode send\), 2 KB mail, 1 student, different students: throughput at 10 connections: \d+ checks\/s \(target >= 300 checks\/s: (met|MISSED)\)/],
  ["Recording", /Recording check \(mode send\), 2 KB mail, 1 student, always the same student: 1 connection: p50 [\d.]+ ms, p99 [\d.]+ ms; p50 = [\d.]+x floor \(read \+ insert\).*1 student/],
  ["Recording", /Recording check \(mode send\), 2 KB mail, 1 student, always the same student: 10 connections, \d+ windows of [\d.]+ s: p50 [\d.]+ ms, p99 [\d.]+ ms; p50 = [\d.]+x floor \(read \+ insert, 10 in flight\)/],
  ["Recording", /Recording check \(mode send\), 2 KB mail, 1 student, always the same student: throughput at 10 connections: \d+ checks\/s \(target >= 300 checks\/s: (met|MISSED)\)/],
  ["Confirmation", /Sent Items sweep of one mailbox, \d+ mails about 1 student, different students: \d+ messages\/s appended to chains \(\d+ confirmed, \d+ disclosures/],
  ["Confirmation", /Sent Items sweep of one mailbox, \d+ mails about 1 student, always the same student: \d+ messages\/s appended to chains \(\d+ confirmed, \d+ disclosures/],
  ["Detection", /StudentDetector, 100 KB mail, 500 students: [\d.]+ ms per mail \(found 5/],
  ["Detection", /Naive: one RegExp per student: [\d.]+ ms per mail/],
  ["Detection", /Speed-up: [\d.]+x/],
  ["Import", /POST \/api\/import, 500 students in chunks of 250: \d+ students\/s/],
  ["Import", /Server peak RSS after the import: \d+ MB/],
  ["Import", /Consent events through POST \/api\/consents \(8 in flight\): \d+ events\/s \([\d,]+ events\)/],
  ["Import", /Server peak RSS over the whole run: \d+ MB/],
  ["Bounded", /Server RSS growth, \d+ MB CSV import, a school not the tenant's: -?\d+ MB \(status 404/],
  ["Bounded", /Server RSS growth, \d+ MB CSV import, a real school: -?\d+ MB \(status 200/],
  ["Bounded", /Small check beside 1 MB U\+FDFA bodies \(2 in flight\), added delay: p99 \+[\d.]+ ms/],
  ["Attachments", /Check with a 2 MB PDF and a 200 KB docx \(uploads \+ check\): p50 [\d.]+ ms, p99 [\d.]+ ms; uploads \d+% of it \(p50\); extraction alone p50 [\d.]+ ms = \d+% of the check p50; \d+ student/],
  ["Attachments", /Small check beside 10 MB PDF uploads, added delay: p99 \+[\d.]+ ms/],
  ["Attachments", /Server event-loop delay beside 10 MB PDF uploads: p99 [\d.]+ ms, max [\d.]+ ms \(quiet p99 [\d.]+ ms/],
  ["Bundles", /On-send handler, minified: ([\d.]+ KB|not built)/],
  ["Bundles", /Task pane JS, gzip: ([\d.]+ KB|not built)/],
  ["Bundles", /Tab initial JS, gzip: ([\d.]+ KB|not built)/],
  ["Tab", /First grid rows[^:]*: ([\d.]+ ms|not measured)/],
];

describe("npm run bench (smoke)", function () {
  this.timeout(600_000);

  it("runs to the end and prints every figure", async () => {
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "bench/run.ts")], {
        cwd: root,
        env: { ...process.env, BENCH_SMOKE: "1", BENCH_OUT: path.join(root, "test-output/bench/BENCHMARKS.md") },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr.on("data", (c: Buffer) => (out += c.toString()));
      child.on("exit", (c) => resolve({ code: c, out }));
    });
    assert.equal(code, 0, out.slice(-3000));
    const missing = FIGURES.filter(([section, re]) => !out.split("\n").some((l) => l.includes(`${section} |`) && re.test(l)));
    assert.deepEqual(missing.map(([s, re]) => `${s}: ${re.source}`), [], out.slice(-4000));
    // The table of the document is printed too, with the machine it ran on.
    assert.match(out, /\| Area \| Measurement \| Result \| Target \|/);
    assert.match(out, /Machine: CPU: .+, cores: \d+, memory: [\d.]+ GB, Node v\d+/);
  });
});
