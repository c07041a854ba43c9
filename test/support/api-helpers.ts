import assert from "node:assert/strict";
import { TableClient, odata } from "@azure/data-tables";
import type { Stack } from "./stack.js";
import { TABLES, key, type TableName } from "../../server/shared/storage.js";
import type { PurgeReport } from "../../contract/retention.js";
import type { ErrorBody } from "../../server/shared/errors.js";
import type { CheckResponse } from "../../contract/sendcheck.js";
import type { ConsentEvent, RegisterEvent, ChainProblem } from "../../server/register/domain.js";
import type { Policy } from "../../server/directory/domain.js";
import type { ImportRequest, ImportResult } from "../../contract/directory.js";
import { DEMO_SCHOOL_ID } from "../../server/demo/data.js";

/** Helpers for the HTTP suites: typed answers, fresh students, raw table snapshots. */

export type { ErrorBody, CheckResponse, ConsentEvent, RegisterEvent, ChainProblem, Policy, ImportRequest, ImportResult };

export interface RegisterView {
  student: { id: string; name: string };
  events: RegisterEvent[];
  status: { partyId: string; purposeId: string; state: string; code: string }[];
  notices: RegisterEvent[];
  disclosures: RegisterEvent[];
  chain: { verified: boolean; problems: ChainProblem[] };
}

export interface VerifyResult {
  ok: boolean;
  studentsChecked: number;
  eventsChecked: number;
  problems: ChainProblem[];
}

export interface OpenApiOperation {
  summary?: string;
  "x-required-role"?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { required?: boolean; content: { "application/json"?: { schema: JsonSchema }; "text/csv"?: { schema: JsonSchema }; "application/octet-stream"?: { schema: JsonSchema } } };
  responses?: Record<string, unknown>;
}
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  [k: string]: unknown;
}
export interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface Route {
  method: "GET" | "POST" | "PUT";
  /** OpenAPI form: /api/students/{id}/register */
  path: string;
  role: string;
  op: OpenApiOperation;
}

export async function routesOf(stack: Stack): Promise<Route[]> {
  const r = await stack.api<OpenApiDoc>("GET", "/api/openapi.json", undefined, { token: "" });
  assert.equal(r.status, 200);
  const out: Route[] = [];
  for (const [path, ops] of Object.entries(r.json.paths)) {
    for (const [m, op] of Object.entries(ops)) {
      const method = m.toUpperCase();
      assert.ok(method === "GET" || method === "POST" || method === "PUT", `unexpected method ${m} ${path}`);
      // Anonymous routes (the document itself) have no role, tenant or token to test.
      if (op["x-required-role"] === "none") continue;
      out.push({ method, path, role: String(op["x-required-role"]), op });
    }
  }
  return out;
}

/** Fills the {params} of an OpenAPI path. */
export function fill(path: string, params: Record<string, string>): string {
  return path.replace(/\{([A-Za-z]+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) throw new Error(`no value for {${k}} in ${path}`);
    return encodeURIComponent(v);
  });
}

export function assertError(r: { status: number; json: unknown }, status: number, code?: string): void {
  const body = r.json as Partial<ErrorBody> | undefined;
  assert.equal(r.status, status, `expected ${status}${code ? ` ${code}` : ""}, got ${r.status}: ${JSON.stringify(r.json).slice(0, 400)}`);
  assert.ok(body && typeof body === "object" && body.error, `error shape: ${JSON.stringify(r.json).slice(0, 300)}`);
  assert.equal(typeof body.error.code, "string");
  assert.equal(typeof body.error.message, "string");
  assert.ok(body.error.message.length > 0);
  if (code) assert.equal(body.error.code, code, `code: ${JSON.stringify(r.json).slice(0, 300)}`);
}

// ---------------------------------------------------------------------------------------------------
// Fresh directory records

let counter = 0;
/** Unique name-ish token (letters only), so that student detection never confuses two test students. */
export function uniq(prefix = ""): string {
  counter += 1;
  const letters = "abcdefghijklmnopqrstuvwxyz";
  let n = counter + Math.floor(Math.random() * 1000) * 100;
  let s = "";
  do {
    s = (letters[n % 26] ?? "a") + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return `${prefix}${s}`;
}

export interface FreshStudent {
  id: string;
  name: string;
  schoolId: string;
  guardians: { id: string; email: string; hasAuthority: boolean }[];
}

export async function importStudent(
  stack: Stack,
  opts: {
    birthDate?: string;
    schoolId?: string;
    guardians?: { hasAuthority: boolean }[];
    token?: string;
  } = {},
): Promise<FreshStudent> {
  const tag = uniq();
  const id = `t-${tag}`;
  const family = `Proef${tag}`;
  const schoolId = opts.schoolId ?? DEMO_SCHOOL_ID;
  const guardians = (opts.guardians ?? [{ hasAuthority: true }, { hasAuthority: true }]).map((g, i) => ({
    id: `${id}-o${i + 1}`,
    email: `ouder${i + 1}.${tag}@ouders.example`,
    hasAuthority: g.hasAuthority,
  }));
  const body: Partial<ImportRequest> = {
    students: [
      {
        id,
        schoolId,
        givenName: "Kim",
        familyName: family,
        aliases: [],
        studentNumber: `Q${tag}`.slice(0, 20),
        birthDate: opts.birthDate ?? "2015-05-05",
        className: "groep 6",
        guardians: guardians.map((g, i) => ({
          id: g.id,
          name: `Ouder${i + 1} ${family}`,
          emails: [g.email],
          relation: i === 0 ? "mother" : "father",
          hasAuthority: g.hasAuthority,
        })),
      },
    ],
  };
  const r = await stack.api<ImportResult>("POST", "/api/import", body, opts.token ? { token: opts.token } : {});
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return { id, name: `Kim ${family}`, schoolId, guardians };
}

/** A school with its own internal domain (and so its own policy). */
export async function importSchool(stack: Stack, token?: string): Promise<{ id: string; domain: string }> {
  const tag = uniq();
  const id = `school-${tag}`;
  const domain = `${tag}.school.example`;
  const r = await stack.api<ImportResult>(
    "POST",
    "/api/import",
    { schools: [{ id, name: `School ${tag}`, brin: "12AB", internalDomains: [domain] }] },
    token ? { token } : {},
  );
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return { id, domain };
}

export async function setPolicy(stack: Stack, schoolId: string, change: Partial<Policy>): Promise<Policy> {
  const cur = await stack.api<Policy>("GET", `/api/policies/${schoolId}`);
  assert.equal(cur.status, 200, JSON.stringify(cur.json));
  const r = await stack.api<Policy>("PUT", `/api/policies/${schoolId}`, { ...cur.json, ...change });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json;
}

/** Addresses of the demo school's parties and a colleague (server/demo/data.ts). */
export const DEMO_ADDRESS = {
  ggd: "jgz@ggd-voorbeeldregio.example",
  wijkteam: "hulp@wijkteam.voorbeeldstad.example",
  smw: "team@smw-voorbeeldstad.example",
  leerplicht: "lpa@leerplicht.voorbeeldstad.example",
  inspectie: "inspecteur@onderwijsinspectie.example",
  dyslexie: "intake@letterwijs.example",
  fotograaf: "studio@klik-fotografie.example",
  veiligThuis: "advies@veiligthuis-voorbeeldregio.example",
  nieuweSchool: "administratie@voorbeeldcollege.example",
  colleague: "juf.anna@regenboog.school.example",
} as const;

/** A mail about a student: the name in the subject, the report "attached". */
export const aboutStudent = (s: { name: string }): { subject: string; body: string } => ({ subject: `Verslag ${s.name}`, body: "Zie bijlage." });

/** The actor of a fresh student's i-th guardian. */
export function guardianActor(s: FreshStudent, i: number): { guardianId: string } {
  const x = s.guardians[i];
  assert.ok(x, `guardian ${i} of ${s.id}`);
  return { guardianId: x.id };
}

// ---------------------------------------------------------------------------------------------------
// Register writes and reads

export type Actor = { guardianId: string } | { student: true };

export async function postConsent(
  stack: Stack,
  c: {
    studentId: string;
    partyId: string;
    purposeId: string;
    by: Actor;
    givenAt: string;
    decision?: "granted" | "refused";
    validUntil?: string;
    /** Whose request (default: the stack's coordinator of the demo tenant). */
    token?: string;
  },
): Promise<{ status: number; json: ConsentEvent & Partial<ErrorBody> }> {
  return stack.api<ConsentEvent & Partial<ErrorBody>>("POST", "/api/consents", {
    studentId: c.studentId,
    partyId: c.partyId,
    purposeId: c.purposeId,
    decision: c.decision ?? "granted",
    givenBy: c.by,
    method: "paper",
    givenAt: c.givenAt,
    ...(c.validUntil ? { validUntil: c.validUntil } : {}),
  }, c.token ? { token: c.token } : {});
}

export async function grant(stack: Stack, c: Parameters<typeof postConsent>[1]): Promise<ConsentEvent> {
  const r = await postConsent(stack, c);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json;
}

export async function registerOf(stack: Stack, studentId: string, token?: string): Promise<RegisterView> {
  const r = await stack.api<RegisterView>("GET", `/api/students/${studentId}/register`, undefined, token ? { token } : {});
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json;
}

export async function check(
  stack: Stack,
  mail: { to: string[]; cc?: string[]; subject?: string; body?: string; sentAt?: string; purposeId?: string; sensitivityLabelId?: string },
  opts: { token?: string; headers?: Record<string, string> } = {},
): Promise<CheckResponse> {
  const r = await stack.api<CheckResponse>(
    "POST",
    "/api/check",
    { subject: "Verslag", body: "", ...mail },
    opts,
  );
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json;
}

/** The reason codes of one recipient. */
export function codesOf(c: CheckResponse, address: string): string[] {
  const rec = c.recipients.find((r) => r.address === address.toLowerCase());
  assert.ok(rec, `recipient ${address} in ${JSON.stringify(c.recipients)}`);
  return rec.reasons.map((x) => x.code);
}

// ---------------------------------------------------------------------------------------------------
// Raw table snapshots (straight from Azurite, past the server)

export function tableClient(stack: Stack, name: TableName): TableClient {
  return TableClient.fromConnectionString(stack.azurite.connectionString, stack.running.storage.tableName(name), {
    allowInsecureConnection: true,
  });
}

/** Every entity of every table of this stack, as sorted canonical lines (ETag and Timestamp left out). */
export async function snapshotTables(stack: Stack, filter?: (pk: string) => boolean): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  await Promise.all(
    TABLES.map(async (name) => {
      const rows: string[] = [];
      for await (const e of tableClient(stack, name).listEntities<Record<string, unknown>>()) {
        if (filter && !filter(String(e.partitionKey))) continue;
        const { etag: _e, timestamp: _t, ...rest } = e;
        const sorted = Object.fromEntries(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        rows.push(JSON.stringify(sorted));
      }
      out[name] = rows.sort();
    }),
  );
  return out;
}

export const iso = (d: string): string => new Date(d).toISOString();

// ---------------------------------------------------------------------------------------------------
// Four eyes (issue 16)

/**
 * A purge the way it now runs: proposed by the default coordinator and approved by a second one. The
 * answer is the purge's report (as POST /api/retention/purge answered before approvals existed).
 */
export async function approvedPurge(stack: Stack, reason = "Opschonen volgens de bewaartermijnen"): Promise<{ status: number; json: PurgeReport }> {
  const p = await stack.api<{ id: string }>("POST", "/api/approvals", { kind: "purge", reason });
  assert.equal(p.status, 201, JSON.stringify(p.json));
  const second = await stack.token("ib-tweede@demo", ["coordinator"]);
  const d = await stack.api<{ state: string; result?: { reportId?: string } }>("POST", `/api/approvals/${p.json.id}/approve`, { reason: "Gecontroleerd en akkoord" }, { token: second });
  assert.equal(d.status, 200, JSON.stringify(d.json));
  const reports = await stack.api<{ reports: PurgeReport[] }>("GET", "/api/retention/reports");
  const report = reports.json.reports.find((r) => r.id === d.json.result?.reportId);
  assert.ok(report, "the approved purge wrote its report");
  return { status: 200, json: report };
}

/** Time passes for the retention clocks: every recorded leftDate of the tenant counts as recorded at `recordedAt`. */
export async function ageLeftClocks(stack: Stack, recordedAt = "2000-01-01T00:00:00.000Z"): Promise<void> {
  const pk = key(stack.tenantId, "left-clock");
  const rows = await stack.running.storage.list("Meta", odata`PartitionKey eq ${pk}`);
  for (const r of rows)
    await stack.running.storage.run("Meta", (t) => t.updateEntity({ partitionKey: pk, rowKey: String(r.rowKey), leftDate: String(r.leftDate), recordedAt }, "Replace"));
}

/**
 * A board of two schools ("s-a", "s-b"), one purpose ("zorg") and one party ("ggd"), with these students:
 * the directory of the overview tests (school scope).
 */
export function twoSchoolImport(students: ImportRequest["students"]): ImportRequest {
  return {
    schools: [
      { id: "s-a", name: "School A", brin: "11AA", internalDomains: ["a.school.example"] },
      { id: "s-b", name: "School B", brin: "22BB", internalDomains: ["b.school.example"] },
    ],
    purposes: [{ id: "zorg", label: "Zorg", farReaching: false }],
    parties: [{ id: "ggd", name: "GGD", kind: "ggd", domains: ["ggd.example"], addresses: [], defaultBasis: "consent", informParents: true }],
    policies: [],
    students,
  };
}
