/**
 * Import: the board through POST /api/import, consent events through POST /api/consents and (the bulk)
 * in-process through the real RegisterRepository; the tab's own register when the board is too big for it.
 */
import { performance } from "node:perf_hooks";
import { DEMO_TENANT } from "../server/demo/seed.js";
import type { ImportRequest } from "../contract/directory.js";
import type { RegisterEvent } from "../server/register/domain.js";
import type { RegisterRepository } from "../server/register/repository.js";
import { PURPOSES, apiRequestOf, eventOf, eventsOfStudent, makeParties, makeSchools, makeStudents, type BoardStudent, type ConsentSpec } from "./board.js";
import { API_EVENTS, BOARD_TENANT, SEED_BUDGET_S, SIZES, TAB_ON_BOARD } from "./config.js";
import { fig, log, mb, ms, notes, rate } from "./report.js";
import { call, devToken, pool, type ServerChild } from "./server-child.js";

export async function importBoard(base: string, token: string, students: BoardStudent[], withDirectory: boolean): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < students.length; i += SIZES.chunk) {
    const first = i === 0 && withDirectory;
    const body: Partial<ImportRequest> = {
      ...(first ? { schools: makeSchools(SIZES.schools), purposes: PURPOSES, parties: makeParties(SIZES.parties) } : {}),
      students: students.slice(i, i + SIZES.chunk).map((s) => s.input),
    };
    const tc = performance.now();
    const r = await call<unknown>(base, token, "POST", "/api/import", body);
    if (r.status !== 200) throw new Error(`import: ${r.status} ${JSON.stringify(r.json).slice(0, 500)}`);
    log(`  import chunk ${i / SIZES.chunk + 1}: ${ms(performance.now() - tc)}`);
  }
  return performance.now() - t;
}

/**
 * Events in-process through the real RegisterRepository: one append (one transaction) per student.
 * Stops starting new students after `budgetMs`; returns how many students were done.
 */
export async function appendInProcess(repo: RegisterRepository, tenantId: string, byStudent: ConsentSpec[][], budgetMs = Infinity): Promise<number> {
  const until = performance.now() + budgetMs;
  let done = 0;
  let next = 0;
  let lastLog = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < byStudent.length && performance.now() < until) {
        const specs = byStudent[next++];
        const first = specs?.[0];
        if (!specs || !first) continue;
        // A new student's partition is empty: no read before the append. (A variable, not a literal, so
        // that it fits the Partition type with or without its newer fields.)
        const empty = { events: [] as RegisterEvent[], head: undefined, complete: true };
        await repo.append(tenantId, first.studentId, () => specs.map((s) => eventOf(s, "bench@seed")), empty);
        done++;
        if (performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          log(`  ${done.toLocaleString("en")} of ${byStudent.length.toLocaleString("en")} students' events appended`);
        }
      }
    }),
  );
  return done;
}

/** The Import figures; returns the board and how many of its students have a register (from the start). */
export async function runImport(server: ServerChild, coord: string, repo: RegisterRepository, now: Date): Promise<{ students: BoardStudent[]; seeded: number }> {
  const base = server.url;
  const students = makeStudents(SIZES.students, SIZES.schools, now);
  log(`importing ${SIZES.students} students (${SIZES.students * 2} guardians), ${SIZES.parties} parties in chunks of ${SIZES.chunk}`);
  const importMs = await importBoard(base, coord, students, true);
  const memAfterImport = await server.memory();
  fig("Import", `POST /api/import, ${SIZES.students.toLocaleString("en")} students in chunks of ${SIZES.chunk.toLocaleString("en")}`, `${rate(SIZES.students / (importMs / 1000))} students/s (${(importMs / 1000).toFixed(1)} s)`);
  fig("Import", "Server peak RSS after the import", mb(memAfterImport.maxRssBytes));

  // --- Consent events -----------------------------------------------------------------------------
  const perStudent = Math.max(1, Math.round(SIZES.events / SIZES.students));
  const byStudent = students.map((_, i) => eventsOfStudent(i, perStudent, SIZES.parties, now));
  const apiStudents = Math.min(byStudent.length, Math.ceil(API_EVENTS / perStudent));
  const viaApi = byStudent.slice(0, apiStudents);
  // Events of one student go in order; students in parallel (8 in flight).
  log(`${viaApi.flat().length} consent events through the API`);
  let t = performance.now();
  await pool(viaApi, 8, async (specs) => {
    for (const s of specs) {
      const r = apiRequestOf(s);
      const res = await call<unknown>(base, coord, "POST", r.path, r.body);
      if (res.status !== 201) throw new Error(`${r.path}: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
    }
  });
  const apiMs = performance.now() - t;
  const apiCount = viaApi.flat().length;
  fig("Import", "Consent events through POST /api/consents (8 in flight)", `${rate(apiCount / (apiMs / 1000))} events/s (${apiCount.toLocaleString("en")} events)`);

  // --- The tab's tenant: a 10,000-student register -------------------------------------------------
  if (!TAB_ON_BOARD) {
    const tabCoord = await devToken(base, "ib@demo", ["coordinator"], DEMO_TENANT);
    const tabStudents = makeStudents(SIZES.tabStudents, Math.max(1, Math.round(SIZES.schools / 3)), now);
    log(`importing the tab's register (${SIZES.tabStudents} students, 1 event each)`);
    await importBoard(base, tabCoord, tabStudents, true);
    await appendInProcess(repo, DEMO_TENANT, tabStudents.map((_, i) => eventsOfStudent(i, 1, SIZES.parties, now)));
  }

  const rest = byStudent.slice(apiStudents);
  const restCount = rest.flat().length;
  let seededEvents = 0;
  let doneStudents = 0;
  if (restCount > 0) {
    log(`${restCount} consent events in-process through RegisterRepository (one transaction per student)`);
    t = performance.now();
    doneStudents = await appendInProcess(repo, BOARD_TENANT, rest, SEED_BUDGET_S * 1000);
    const fastMs = performance.now() - t;
    seededEvents = rest.slice(0, doneStudents).flat().length;
    fig("Import", "Consent events in-process, RegisterRepository.append (16 students in flight)", `${rate(seededEvents / (fastMs / 1000))} events/s (${seededEvents.toLocaleString("en")} events)`);
    if (seededEvents < restCount)
      notes.push(`the seeding budget (BENCH_SEED_SECONDS=${SEED_BUDGET_S}) ran out: ${(apiCount + seededEvents).toLocaleString("en")} of ${SIZES.events.toLocaleString("en")} consent events were stored; the measurements below ran on that register`);
  }
  fig("Import", "Board", `${SIZES.students.toLocaleString("en")} students, ${(SIZES.students * 2).toLocaleString("en")} guardians, ${SIZES.parties} parties, ${(apiCount + seededEvents).toLocaleString("en")} consent events stored (of ${SIZES.events.toLocaleString("en")})`);
  return { students, seeded: apiStudents + doneStudents };
}
