/**
 * `npm run bench`: the send check and its neighbours at school-board scale, measured in ONE run
 * against a fresh in-memory Azurite, with ratios against the storage floor. Writes docs/BENCHMARKS.md
 * (only the part between the result markers; the analysis around it is kept).
 *
 *   BENCH_SMOKE=1      small board, short runs (the smoke test); writes test-output/bench/BENCHMARKS.md
 *   BENCH_OUT=path     where to write the document instead
 *   BENCH_CPU_PROF=1   run the server child with --cpu-prof (profiles in bench/profiles/)
 *   BENCH_SERVER_BASELINE=dir  after the import, only the check cases against dir's server and this one, alternating (ab.ts)
 *   BENCH_CPU_PROF=cases one CPU profile of the server per check case's measured runs (bench/profiles/<case id>.cpuprofile)
 *   BENCH_API_EVENTS=n how many consent events go through POST /api/consents (the rest in-process)
 *   BENCH_ONLY=bounded only the bounded-work group (bounded.ts), printed, docs not written
 *   BENCH_ONLY=attachments only the attachment-contents group (attachments.ts) and the on-send handler's size, likewise
 *   BENCH_ONLY=checks  only the import, the floor, the checks, the recording checks and the confirmation, likewise
 *   BENCH_ONLY=tab     only the build, the import and seeding, then the tab group, likewise
 *   BENCH_ONLY=recording only the import, the recording checks and their confirmation (BENCH_RECORDING=rec-one|rec-many: one recording case, no confirmation), likewise
 *
 * The groups, one file each: bounded.ts, attachments.ts, import.ts, floor.ts, checks.ts, recording.ts, confirm.ts, detection.ts, bundles.ts, tab.ts; the figures
 * and the document in report.ts, the server child in server-child.ts, the board in board.ts.
 */
import os from "node:os";
import { AzuriteProcess } from "../server/shared/azurite.js";
import { Storage } from "../server/shared/storage.js";
import { IntegrityKeys } from "../server/register/integrity.js";
import { RegisterRepository } from "../server/register/repository.js";
import { bundles, onSendHandlerSize } from "./bundles.js";
import { runChecks } from "./checks.js";
import { BOARD_TENANT, SMOKE, TABLE_PREFIX } from "./config.js";
import { detection } from "./detection.js";
import { runFloor } from "./floor.js";
import { runImport } from "./import.js";
import { fig, log, machine, mb, notes, renderResults, writeDoc } from "./report.js";
import { devToken, startServerChild } from "./server-child.js";
import { runTab } from "./tab.js";
import { runBounded } from "./bounded.js";
import { runAttachments } from "./attachments.js";
import { runRecording } from "./recording.js";
import { runConfirm } from "./confirm.js";
import { runAB } from "./ab.js";

async function main(): Promise<void> {
  const now = new Date();
  const desc = machine();
  console.log(`Zorgvuldig benchmarks${SMOKE ? " (SMOKE)" : ""}\n${desc}`);

  const only = process.env.BENCH_ONLY;
  if (only && !["bounded", "attachments", "checks", "tab", "recording"].includes(only))
    throw new Error(`BENCH_ONLY=${only}: one of bounded, attachments, checks, tab, recording`);
  // --- Bounded work (its own server children; BENCH_ONLY=bounded runs only this group) ---------------
  if (!only || only === "bounded") await runBounded();
  // --- Attachment contents (its own server child; BENCH_ONLY=attachments runs only this group) --------
  if (!only || only === "attachments") await runAttachments();
  // The classic handler's size is printed with the attachment group too (the full run has it from the build figures).
  if (only === "attachments") await onSendHandlerSize();
  if (only === "bounded" || only === "attachments") {
    console.log(`\n${renderResults(desc)}`);
    return;
  }

  if (!only || only === "tab") {
    log("building the front ends");
    await bundles();
  }

  log("starting Azurite (in memory) and the server child");
  const azurite = new AzuriteProcess();
  await azurite.start();
  const server = await startServerChild(azurite.connectionString);
  const base = server.url;
  try {
    const coord = await devToken(base, "ib@bestuur", ["coordinator"], BOARD_TENANT);
    const staff = await devToken(base, "mentor@bestuur", ["staff"], BOARD_TENANT);

    // --- Import -------------------------------------------------------------------------------------
    const storage = new Storage(azurite.connectionString, TABLE_PREFIX, 30_000);
    // The bench server runs in dev mode: its HEAD rows are sealed with the public dev key.
    const repo = new RegisterRepository(storage, IntegrityKeys.dev());
    const { students, seeded } = await runImport(server, coord, repo, now);
    if (only === "tab") {
      await runTab(base);
      notes.push(`load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join("/")}`);
      console.log(`\n${renderResults(desc)}`);
      return;
    }

    // BENCH_SERVER_BASELINE=<dir>: the check cases against an earlier checkout's server and this one, alternating (ab.ts).
    const baselineDir = process.env.BENCH_SERVER_BASELINE;
    if (baselineDir) {
      const before = await startServerChild(azurite.connectionString, baselineDir);
      try {
        const beforeStaff = await devToken(before.url, "mentor@bestuur", ["staff"], BOARD_TENANT);
        await runAB(azurite.connectionString, [{ label: "before", server: before, staff: beforeStaff }, { label: "after", server, staff }], students, seeded);
      } finally {
        await before.stop();
      }
      console.log(`\n${renderResults(desc)}`);
      return;
    }

    if (only === "recording") {
      await runRecording(azurite.connectionString, base, staff, students, seeded, server);
      if (!process.env.BENCH_RECORDING) await runConfirm(base, coord, students, seeded);
      notes.push(`load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join("/")}`);
      console.log(`\n${renderResults(desc)}`);
      return;
    }

    // --- Floor ----------------------------------------------------------------------------------------
    const fl = await runFloor(azurite.connectionString, repo, seeded);

    // --- Checks ---------------------------------------------------------------------------------------
    await runChecks(base, staff, students, seeded, fl, server);

    // --- Recording checks (mode send: one point read + one insert of a pending record) ----------------
    await runRecording(azurite.connectionString, base, staff, students, seeded, server);
    // --- Confirmation (Sent Items in the Graph simulation, one sweep appends to the chains) -----------
    await runConfirm(base, coord, students, seeded);
    if (only === "checks") {
      console.log(`\n${renderResults(desc)}`);
      return;
    }

    // --- Detection (this process) -------------------------------------------------------------------
    log("detection: StudentDetector against one RegExp per student");
    detection(students);

    // --- Tab ------------------------------------------------------------------------------------------
    await runTab(base);

    notes.push(`load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join("/")}: other work on this shared 2-core machine competes with the three processes measured`);
    const memEnd = await server.memory();
    fig("Import", "Server peak RSS over the whole run", `${mb(memEnd.maxRssBytes)} (RSS now ${mb(memEnd.rssBytes)}, heap used ${mb(memEnd.heapUsedBytes)})`);
  } finally {
    await server.stop();
    await azurite.stop();
  }

  const doc = renderResults(desc);
  console.log(`\n${doc}`);
  writeDoc(doc);
  log("done");
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
