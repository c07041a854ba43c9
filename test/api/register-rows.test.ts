import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { useStack } from "../support/stack.js";
import { grant } from "../support/api-helpers.js";
import type { ImportRequest, Overview, RegisterPage, StudentSummary } from "../../contract/index.js";

/**
 * Board scale (issue 17, item 3): the register searched, filtered, sorted and paged on the server, from
 * the projection kept in memory; the student search sorted by family name.
 */
describe("The register paged on the server (GET /api/register/rows) and the student search", function () {
  const stack = useStack({ seedDemo: false });
  let token: string;
  const tenant = randomUUID();
  const school = { id: "s-a", name: "School A", brin: "11AA", internalDomains: ["a.school.example"] };
  const school2 = { id: "s-b", name: "School B", brin: "22BB", internalDomains: ["b.school.example"] };
  const names: [string, string | undefined, string, string][] = [
    // given, tussenvoegsel, family, school
    ["Noor", "van den", "Berg", "s-a"],
    ["Sem", undefined, "Bakker", "s-a"],
    ["Ayla", undefined, "Aydın", "s-b"],
    ["Daan", undefined, "van Dijk", "s-a"], // the particle left in the family name by the source
    ["Zoë", "de", "Vries", "s-b"],
    ["Lotte", undefined, "Jansen", "s-a"],
  ];
  const ids = names.map((_, i) => `r-${i}`);
  const api = <T>(method: string, path: string, body?: unknown) => stack.api<T>(method, path, body, { token });
  const rows = async (query: string): Promise<RegisterPage> => {
    const r = await api<RegisterPage>("GET", `/api/register/rows?${query}`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json;
  };

  before(async () => {
    token = await stack.token("ib@rows", ["coordinator"], tenant);
    const body: ImportRequest = {
      schools: [school, school2],
      purposes: [{ id: "zorg", label: "Zorg", farReaching: false }],
      parties: [{ id: "ggd", name: "GGD", kind: "ggd", domains: ["ggd.example"], addresses: [], defaultBasis: "consent", informParents: true }],
      policies: [],
      students: names.map(([given, tv, family, schoolId], i) => ({
        id: ids[i] ?? "",
        schoolId,
        givenName: given,
        ...(tv ? { tussenvoegsel: tv } : {}),
        familyName: family,
        aliases: [],
        studentNumber: String(100 + i),
        birthDate: "2016-03-03",
        className: i % 2 ? "groep 10" : "groep 4",
        guardians: [{ id: `${ids[i] ?? ""}-o1`, name: `Ouder ${family}`, emails: [`o${i}@ouders.example`], relation: "mother", hasAuthority: true }],
      })),
    };
    const r = await api("POST", "/api/import", body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const give = async (i: number, decision: "granted" | "refused") => {
      const c = await api("POST", "/api/consents", {
        studentId: ids[i],
        partyId: "ggd",
        purposeId: "zorg",
        decision,
        givenBy: { guardianId: `${ids[i] ?? ""}-o1` },
        method: "paper",
        givenAt: new Date(Date.now() - 86_400_000).toISOString(),
        validUntil: new Date(Date.now() + 200 * 86_400_000).toISOString(),
      });
      assert.equal(c.status, 201, JSON.stringify(c.json));
    };
    await give(0, "granted");
    await give(1, "refused");
  });

  it("When the register is sorted by name, then it sorts by family name without the particle ('van den Berg' under B, 'van Dijk' under D)", async () => {
    const page = await rows("sort=name");
    assert.deepEqual(
      page.rows.map((r) => r.sortName),
      ["Aydın, Ayla", "Bakker, Sem", "Berg, Noor van den", "Dijk, Daan van", "Jansen, Lotte", "Vries, Zoë de"],
    );
    const desc = await rows("sort=name&dir=desc&limit=2");
    assert.deepEqual(desc.rows.map((r) => r.name), ["Zoë de Vries", "Lotte Jansen"]);
  });

  it("When a page is asked, then it holds that slice, the number of matches, the register's size and the filter values", async () => {
    const page = await rows("sort=name&offset=2&limit=2");
    assert.deepEqual(page.rows.map((r) => r.studentId), ["r-0", "r-3"]);
    assert.equal(page.total, 6);
    assert.equal(page.all, 6);
    assert.equal(page.offset, 2);
    assert.deepEqual(page.facets.schools, ["s-a", "s-b"]);
    assert.deepEqual(page.facets.classes, ["groep 4", "groep 10"]);
    assert.deepEqual(page.facets.parties, ["ggd"]);
  });

  it("When the search, school and class filters are set, then only the matching students are counted and listed", async () => {
    assert.deepEqual((await rows("q=aydin")).rows.map((r) => r.studentId), ["r-2"]);
    assert.deepEqual((await rows("q=berg%20noor")).rows.map((r) => r.studentId), ["r-0"]);
    const bySchool = await rows("schoolId=s-b");
    assert.deepEqual(bySchool.rows.map((r) => r.studentId).sort(), ["r-2", "r-4"]);
    assert.equal(bySchool.total, 2);
    assert.equal(bySchool.all, 6);
    assert.deepEqual((await rows("className=groep%2010&sort=studentNumber")).rows.map((r) => r.studentNumber), ["101", "103", "105"]);
  });

  it("When the register is filtered on a party and 'missing', then it lists the students without consent for that party, with the state for that party", async () => {
    const missing = await rows("partyId=ggd&state=missing");
    assert.deepEqual(missing.rows.map((r) => r.studentId).sort(), ["r-2", "r-3", "r-4", "r-5"]);
    const mentioned = await rows("partyId=ggd&sort=state");
    assert.deepEqual(mentioned.rows.map((r) => [r.studentId, r.state]), [["r-1", "refused-or-withdrawn"], ["r-0", "valid"]]);
    const row0 = mentioned.rows.find((r) => r.studentId === "r-0");
    assert.deepEqual(row0?.pairs?.map((p) => [p.partyId, p.purposeId, p.state]), [["ggd", "zorg", "valid"]]);
  });

  it("When a consent is recorded, then the next page shows it at once (the projection follows every append)", async () => {
    assert.equal((await rows("q=jansen")).rows[0]?.state, "missing");
    await grant(stack, {
      studentId: "r-5",
      partyId: "ggd",
      purposeId: "zorg",
      by: { guardianId: "r-5-o1" },
      givenAt: new Date(Date.now() - 3_600_000).toISOString(),
      validUntil: new Date(Date.now() + 10 * 86_400_000).toISOString(),
      token,
    });
    const after = (await rows("q=jansen")).rows[0];
    assert.equal(after?.state, "expiring");
    assert.equal(after?.eventCount, 1);
    const overview = await api<Overview>("GET", "/api/register/overview");
    assert.deepEqual(overview.json.expiring.soonest.map((e) => e.studentId), ["r-5"]);
  });

  it("When the query is out of range, then it is refused with VALIDATION_FAILED and no page", async () => {
    for (const q of ["limit=0", "limit=501", "sort=shoe", "state=maybe", "offset=-1"]) {
      const r = await api<{ error: { code: string } }>("GET", `/api/register/rows?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.json.error.code, "VALIDATION_FAILED", q);
    }
  });

  it("When students are searched by family name order, then 'van den Berg' is listed under B, with school and class", async () => {
    const r = await api<{ students: StudentSummary[] }>("GET", "/api/students?sort=family&limit=10");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.students.map((s) => s.id), ["r-2", "r-1", "r-0", "r-3", "r-5", "r-4"]);
    const found = await api<{ students: StudentSummary[] }>("GET", "/api/students?query=groep%2010%20dijk&sort=family");
    assert.deepEqual(found.json.students.map((s) => [s.id, s.schoolId, s.className]), [["r-3", "s-a", "groep 10"]]);
  });
});
