import { odata } from "@azure/data-tables";
import { TABLES, type Storage } from "../../server/shared/storage.js";
import { canonicalJson } from "../../server/shared/hash.js";
import { DEMO_SCHOOL_ID } from "../../server/demo/data.js";

/** Every row of every table (all tenants), as one string per table: equal strings, unchanged store. */
export async function snapshot(storage: Storage): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(
    TABLES.map(async (t) => {
      const rows = await storage.list(t, odata`PartitionKey ge ${""}`);
      out[t] = canonicalJson(rows.map((r) => ({ ...r })).sort((a, b) => `${a.partitionKey}\u0000${a.rowKey}`.localeCompare(`${b.partitionKey}\u0000${b.rowKey}`)));
    }),
  );
  return out;
}

export function changedTables(a: Record<string, string>, b: Record<string, string>): string[] {
  return Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k]);
}

/** A student of the demo school who left on `leftDate`, with one guardian holding authority. */
export function leaver(id: string, leftDate: string | undefined, extra: { schoolId?: string; legalHold?: boolean } = {}) {
  return {
    id,
    schoolId: extra.schoolId ?? DEMO_SCHOOL_ID,
    givenName: `Gerrit${id.replace(/[^a-z0-9]/gi, "")}`,
    familyName: "Oudleerling",
    studentNumber: id.replace(/[^A-Za-z0-9]/g, "").slice(0, 20),
    birthDate: "2005-03-01",
    className: "8",
    ...(leftDate ? { leftDate } : {}),
    ...(extra.legalHold !== undefined ? { legalHold: extra.legalHold } : {}),
    guardians: [{ id: `${id}-g1`, name: "Greet Oudleerling", emails: [`greet.${id}@mail.example`], relation: "mother", hasAuthority: true }],
  };
}

export function paperConsent(studentId: string, givenAt: string) {
  return {
    studentId,
    partyId: "ggd",
    purposeId: "jgz-consult",
    decision: "granted",
    givenBy: { guardianId: `${studentId}-g1` },
    method: "paper",
    givenAt,
    validUntil: new Date(new Date(givenAt).getTime() + 200 * 86400_000).toISOString(),
  };
}

export { DEMO_SCHOOL_ID };
