import { createHash } from "node:crypto";
import type { Guardian, Student } from "../directory/domain.js";
import type { ImportRequest } from "../../contract/directory.js";

/**
 * Shared by the School Data Sync and the CSV import: stable ids, and how a record from a source
 * system is merged with what the register already holds. The rules:
 *
 * - Never delete: a guardian the source no longer lists stays on the student (consents name guardians
 *   by id; the coordinator removes a guardian by hand if needed). Students missing from the source
 *   stay too (register history must keep its student).
 * - Fields the source does not know are kept: aliases, leftDate, legalHold; tussenvoegsel and class
 *   when the source leaves them empty; a guardian's postal address when the source gives none.
 * - Guardians are matched by email (any shared address), then by name; a match keeps its id.
 * - `hasAuthority`: when the source knows custody (CSV "gezag" column) the source wins; when it does
 *   not (SDS has no custody field) an existing guardian keeps its value and its confirmation (a
 *   coordinator's correction, either way, is never overwritten) and a new one gets `defaultAuthority`,
 *   unconfirmed (`authorityConfirmed: false`) until the school confirms it.
 */

export type StudentIn = ImportRequest["students"][number];
export type GuardianIn = StudentIn["guardians"][number];

const ID_OK = /^[A-Za-z0-9._~:@-]{1,100}$/;

function shortHash(s: string): string {
  return createHash("sha256").update(s).digest("hex").slice(0, 16);
}

/** `{schoolId}:{studentNumber}`: the same student gets the same id from CSV and from SDS. */
export function studentIdFor(schoolId: string, studentNumber: string): string {
  const id = `${schoolId}:${studentNumber}`;
  return ID_OK.test(id) ? id : `st-${shortHash(id)}`;
}

/** Pseudonymous and stable: derived from the student and the guardian's first address (or name). */
export function guardianIdFor(studentId: string, emailOrName: string): string {
  return `g-${shortHash(`${studentId}|${emailOrName.trim().toLowerCase()}`)}`;
}

function norm(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

export interface MergeOptions {
  /** The source states custody (CSV): its hasAuthority wins. Otherwise (SDS) existing values stay. */
  authorityFromSource: boolean;
}

export interface MergeStats {
  guardiansKept: number;
}

/** The record to import for `incoming`, given what is stored; equal input gives an equal record (idempotent). */
export function mergeStudent(existing: Student | undefined, incoming: StudentIn, opts: MergeOptions, stats?: MergeStats): StudentIn {
  if (!existing) return incoming;
  const used = new Set<string>();
  const findMatch = (g: GuardianIn): Guardian | undefined => {
    const emails = new Set(g.emails.map((e) => e.toLowerCase()));
    const byEmail = existing.guardians.find((e) => !used.has(e.id) && e.emails.some((x) => emails.has(x.toLowerCase())));
    if (byEmail) return byEmail;
    return existing.guardians.find((e) => !used.has(e.id) && norm(e.name) === norm(g.name));
  };
  const merged: GuardianIn[] = [];
  for (const g of incoming.guardians) {
    const match = findMatch(g);
    if (!match) {
      merged.push(g);
      continue;
    }
    used.add(match.id);
    const { authorityConfirmed: _c, authoritySource: _s, ...rest } = g;
    merged.push({
      ...rest,
      id: match.id,
      // A relation a coordinator refined (mother, foster-parent) beats the source's generic "parent".
      relation: g.relation === "parent" || g.relation === "other" ? match.relation : g.relation,
      hasAuthority: opts.authorityFromSource ? g.hasAuthority : match.hasAuthority,
      // A source without the guardian's postal address (SDS, or an export without address columns) keeps the stored one.
      ...(g.address === undefined && match.address ? { address: match.address } : {}),
      // A source that states custody confirms it; otherwise the stored confirmation (or its absence) stays.
      ...(opts.authorityFromSource
        ? {}
        : {
            ...(match.authorityConfirmed !== undefined ? { authorityConfirmed: match.authorityConfirmed } : {}),
            ...(match.authoritySource ? { authoritySource: match.authoritySource } : {}),
          }),
    });
  }
  // Keep guardians the source no longer lists (never delete), in their stored order.
  const kept = existing.guardians.filter((e) => !used.has(e.id) && !merged.some((m) => m.id === e.id));
  if (stats) stats.guardiansKept += kept.length;
  // Stored order first, then new ones: a re-run yields the same order (same hash: "unchanged").
  const order = new Map(existing.guardians.map((g, i) => [g.id, i]));
  const all = [...merged, ...kept.map((g) => ({ ...g }))].sort((a, b) => (order.get(a.id) ?? 1e6) - (order.get(b.id) ?? 1e6));
  const out: StudentIn = {
    ...incoming,
    aliases: existing.aliases.length ? existing.aliases : incoming.aliases,
    className: incoming.className || existing.className,
    guardians: all.slice(0, 8),
  };
  const tv = incoming.tussenvoegsel ?? existing.tussenvoegsel;
  if (tv) out.tussenvoegsel = tv;
  else delete out.tussenvoegsel;
  if (existing.leftDate && !incoming.leftDate) out.leftDate = existing.leftDate;
  if (existing.legalHold !== undefined && incoming.legalHold === undefined) out.legalHold = existing.legalHold;
  return out;
}
