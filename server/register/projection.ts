/**
 * The register overview of each tenant kept in memory (a projection of the HEAD rows): built once from
 * the HEAD rows, updated on each append of this instance, rebuilt from its kept states when the
 * directory or the Dutch date changes, and re-read in the background after `ttlSeconds` (appends of
 * another instance, the retention purge). The tab's paged register (GET /api/register/rows) and the
 * overview answer from it without reading storage: at 30,000 students a scan of the HEAD rows costs
 * seconds on Azurite, a page from memory milliseconds.
 */
import type { OverviewRow, RegisterPage } from "../../contract/register.js";
import type { RegisterSortKey } from "../../contract/enums.js";
import { dutchDate, familySortKey, type Student } from "../directory/domain.js";
import { fold, type DirectoryService, type DirectorySnapshot } from "../directory/service.js";
import type { Partition, RegisterRepository } from "./repository.js";
import { mayAccessSchool, type SchoolAccess } from "../identity/auth.js";

type RowState = OverviewRow["state"];
type Pair = NonNullable<OverviewRow["pairs"]>[number];

/** Computes one student's overview row (RegisterService.overviewRow). */
export type RowOf = (snap: DirectorySnapshot, student: Student, part: Partition, at: Date) => OverviewRow;

interface Entry {
  row: OverviewRow;
  /** Folded name, family-first name, student number and class: what the search looks in. */
  hay: string;
  /** familySortKey: "van den Berg" under B. */
  nameKey: string;
  schoolKey: string;
  classKey: string;
  numberKey: string;
}

interface View {
  snap: DirectorySnapshot;
  day: string;
  /** The register state of each student with a register (HEAD state or, for a head without one, every event). */
  states: Map<string, Partition>;
  entries: Entry[];
  indexOf: Map<string, number>;
  sorted: Map<RegisterSortKey, Entry[]>;
  facets?: RegisterPage["facets"];
  loadedAt: number;
}

export interface RowsQuery {
  q?: string | undefined;
  state?: RowState | undefined;
  partyId?: string | undefined;
  purposeId?: string | undefined;
  schoolId?: string | undefined;
  className?: string | undefined;
  sort: RegisterSortKey;
  dir: "asc" | "desc";
  offset: number;
  limit: number;
}

const STATE_ORDER: Record<RowState, number> = { "refused-or-withdrawn": 0, missing: 1, expiring: 2, valid: 3 };
const DAY = 86_400_000;

/** The summary of a set of (party, purpose) states: refusal wins, then an end within 30 days, then valid, else missing. */
export function summarise(pairs: readonly Pair[], at: Date): { state: RowState; nextExpiry: string | undefined } {
  const valid = pairs.filter((x) => x.state === "valid");
  const nextExpiry = valid.map((x) => x.validUntil).filter((x): x is string => !!x).sort()[0];
  const state: RowState = pairs.some((x) => x.state === "refused" || x.state === "withdrawn")
    ? "refused-or-withdrawn"
    : nextExpiry && new Date(nextExpiry).getTime() <= at.getTime() + 30 * DAY
      ? "expiring"
      : valid.length > 0
        ? "valid"
        : "missing";
  return { state, nextExpiry };
}

const numericKey = (s: string): string => fold(s).replace(/\d+/g, (d) => d.padStart(8, "0"));

export class RegisterProjection {
  private readonly views = new Map<string, Promise<View>>();
  private readonly refreshing = new Set<string>();
  /** Appends seen while a tenant's view was loading: applied over what the load read. */
  private readonly pending = new Map<string, Map<string, Partition>>();

  constructor(
    private readonly repo: RegisterRepository,
    private readonly directory: DirectoryService,
    private readonly rowOf: RowOf,
    private readonly ttlSeconds: number,
  ) {
    repo.onAppended((tenantId, studentId, part) => this.applied(tenantId, studentId, part));
  }

  private applied(tenantId: string, studentId: string, part: Partition): void {
    this.pending.get(tenantId)?.set(studentId, part);
    const entry = this.views.get(tenantId);
    if (!entry) return;
    void entry.then(
      (v) => {
        const known = v.states.get(studentId);
        if (known?.head && part.head && known.head.seq > part.head.seq) return;
        v.states.set(studentId, part);
        const i = v.indexOf.get(studentId);
        const student = v.snap.studentById.get(studentId);
        if (i === undefined || !student) return;
        v.entries[i] = entryOf(v.snap, student, this.rowOf(v.snap, student, part, new Date()));
        v.sorted.clear();
        v.facets = undefined;
      },
      () => undefined,
    );
  }

  private async load(tenantId: string): Promise<Map<string, Partition>> {
    const seen = new Map<string, Partition>();
    this.pending.set(tenantId, seen);
    try {
      const states = await this.repo.readAllStates(tenantId);
      for (const [id, part] of seen) {
        const had = states.get(id);
        if (!had?.head || !part.head || part.head.seq >= had.head.seq) states.set(id, part);
      }
      return states;
    } finally {
      if (this.pending.get(tenantId) === seen) this.pending.delete(tenantId);
    }
  }

  private build(snap: DirectorySnapshot, states: Map<string, Partition>, at: Date, loadedAt: number): View {
    const empty: Partition = { events: [], head: undefined, complete: true };
    const entries = snap.directory.students.map((s) => entryOf(snap, s, this.rowOf(snap, s, states.get(s.id) ?? empty, at)));
    return {
      snap,
      day: dayOf(at),
      states,
      entries,
      indexOf: new Map(entries.map((e, i) => [e.row.studentId, i])),
      sorted: new Map(),
      loadedAt,
    };
  }

  /** The tenant's view: current for this directory snapshot and this Dutch day. */
  private async view(tenantId: string): Promise<View> {
    const snap = await this.directory.snapshot(tenantId);
    const now = new Date();
    const cached = this.views.get(tenantId);
    const v = cached ? await cached.catch(() => undefined) : undefined;
    if (v && v.snap === snap && v.day === dayOf(now)) {
      if (Date.now() - v.loadedAt >= this.ttlSeconds * 1000) this.refresh(tenantId);
      return v;
    }
    const next = v
      ? Promise.resolve(this.build(snap, v.states, now, v.loadedAt)) // directory or day changed: the kept states suffice
      : this.load(tenantId).then((states) => this.build(snap, states, new Date(), Date.now()));
    this.views.set(tenantId, next);
    next.catch(() => {
      if (this.views.get(tenantId) === next) this.views.delete(tenantId);
    });
    return next;
  }

  private refresh(tenantId: string): void {
    if (this.refreshing.has(tenantId)) return;
    this.refreshing.add(tenantId);
    void Promise.all([this.load(tenantId), this.directory.snapshot(tenantId)])
      .then(([states, snap]) => this.views.set(tenantId, Promise.resolve(this.build(snap, states, new Date(), Date.now()))))
      .catch(() => undefined) // the old view keeps serving; the next call tries again
      .finally(() => this.refreshing.delete(tenantId));
  }

  /** Drops a tenant's view (a restore wrote rows under it): the next call reads the HEAD rows again. */
  forget(tenantId: string): void {
    this.views.delete(tenantId);
  }

  /** Every row, in directory order (GET /api/register/overview). */
  async rows(tenantId: string, schools: SchoolAccess = "all"): Promise<OverviewRow[]> {
    return (await this.view(tenantId)).entries.filter((e) => mayAccessSchool(schools, e.row.schoolId)).map((e) => e.row);
  }

  /** One page of the register after search, filters and sort. */
  async page(tenantId: string, q: RowsQuery, schools: SchoolAccess = "all"): Promise<RegisterPage> {
    const v = await this.view(tenantId);
    const at = new Date();
    const terms = fold(q.q ?? "").split(/\s+/).filter(Boolean);
    const focus = q.partyId || q.purposeId ? { partyId: q.partyId, purposeId: q.purposeId } : undefined;
    const matches: { e: Entry; state: RowState; nextExpiry: string | undefined; pairs: Pair[] }[] = [];
    for (const e of sortedBy(v, q.sort)) {
      const r = e.row;
      if (!mayAccessSchool(schools, r.schoolId)) continue;
      if (q.schoolId && r.schoolId !== q.schoolId) continue;
      if (q.className && r.className !== q.className) continue;
      if (terms.length && !terms.every((t) => e.hay.includes(t))) continue;
      let state = r.state;
      let nextExpiry = r.nextExpiry;
      let pairs = r.pairs ?? [];
      if (focus) {
        pairs = pairs.filter((p) => (!focus.partyId || p.partyId === focus.partyId) && (!focus.purposeId || p.purposeId === focus.purposeId));
        // A party or purpose alone lists the students whose register mentions it; asking for "missing"
        // also lists those whose register never does (that is what is missing).
        if (pairs.length === 0 && q.state !== "missing") continue;
        ({ state, nextExpiry } = summarise(pairs, at));
      }
      if (q.state && state !== q.state) continue;
      matches.push({ e, state, nextExpiry, pairs });
    }
    // With a party or purpose the state (and its end) is the focused one: sort on that.
    if (focus && (q.sort === "state" || q.sort === "nextExpiry")) {
      matches.sort((a, b) =>
        q.sort === "state"
          ? STATE_ORDER[a.state] - STATE_ORDER[b.state] || cmp(a.e.nameKey, b.e.nameKey)
          : cmp(a.nextExpiry ?? "\uffff", b.nextExpiry ?? "\uffff") || cmp(a.e.nameKey, b.e.nameKey),
      );
    }
    if (q.dir === "desc") matches.reverse();
    const rows = matches.slice(q.offset, q.offset + q.limit).map(({ e, state, nextExpiry, pairs }) => {
      if (!focus) return e.row;
      const { nextExpiry: _drop, ...rest } = e.row;
      return { ...rest, state, pairs, ...(nextExpiry ? { nextExpiry } : {}) };
    });
    if (schools === "all") return { rows, total: matches.length, all: v.entries.length, offset: q.offset, facets: facetsOf(v) };
    const mine = v.entries.filter((e) => mayAccessSchool(schools, e.row.schoolId));
    return { rows, total: matches.length, all: mine.length, offset: q.offset, facets: facetsFrom(mine) };
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function dayOf(at: Date): string {
  return dutchDate(at).join("-");
}

function entryOf(snap: DirectorySnapshot, s: Student, row: OverviewRow): Entry {
  return {
    row,
    hay: fold([row.name, row.sortName ?? "", s.studentNumber, s.className, ...s.aliases].join(" | ")),
    nameKey: familySortKey(s),
    schoolKey: fold(snap.directory.schools.find((x) => x.id === s.schoolId)?.name ?? s.schoolId),
    classKey: numericKey(s.className),
    numberKey: numericKey(s.studentNumber),
  };
}

/** The entries sorted ascending by a key (ties by family name); cached until the next change. */
function sortedBy(v: View, key: RegisterSortKey): Entry[] {
  const hit = v.sorted.get(key);
  if (hit) return hit;
  const by = (e: Entry): string | number => {
    switch (key) {
      case "name":
        return e.nameKey;
      case "studentNumber":
        return e.numberKey;
      case "schoolId":
        return e.schoolKey;
      case "className":
        return e.classKey;
      case "state":
        return STATE_ORDER[e.row.state];
      case "nextExpiry":
        return e.row.nextExpiry ?? "\uffff";
      case "eventCount":
        return e.row.eventCount;
    }
  };
  const keyed = v.entries.map((e) => ({ e, k: by(e) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : cmp(a.e.nameKey, b.e.nameKey)));
  const out = keyed.map((x) => x.e);
  v.sorted.set(key, out);
  return out;
}

function facetsOf(v: View): RegisterPage["facets"] {
  if (v.facets) return v.facets;
  v.facets = facetsFrom(v.entries);
  return v.facets;
}

/** The values the filters offer, over these entries. */
function facetsFrom(entries: readonly Entry[]): RegisterPage["facets"] {
  const schools = new Set<string>();
  const classes = new Set<string>();
  const parties = new Set<string>();
  const purposes = new Set<string>();
  for (const { row } of entries) {
    schools.add(row.schoolId);
    if (row.className) classes.add(row.className);
    for (const p of row.parties) parties.add(p);
    for (const p of row.purposes) purposes.add(p);
  }
  const sorted = (s: Set<string>, key: (x: string) => string = fold): string[] => [...s].sort((a, b) => cmp(key(a), key(b)));
  return { schools: sorted(schools), classes: sorted(classes, numericKey), parties: sorted(parties), purposes: sorted(purposes) };
}
