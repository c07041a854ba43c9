/**
 * The register overview of each tenant kept in memory (a projection of the HEAD rows): built once from
 * the HEAD rows, updated on each append of this instance, rebuilt from its kept states when the
 * directory or the Dutch date changes, and re-read in the background after `ttlSeconds` (appends of
 * another instance, the retention purge). The tab's paged register (GET /api/register/rows) and the
 * overview answer from it without reading storage: at 30,000 students a scan of the HEAD rows costs
 * seconds on Azurite, a page from memory milliseconds.
 *
 * Beside it, each student's disclosures and overrides (not in the HEAD state) are kept per tenant, read
 * once with one query for those events and the HEAD rows, extended on each append of this instance and
 * read again for a student whose HEAD the periodic re-read finds changed: the overview's numbers and the
 * statistics answer from memory, never by reading every event.
 */
import type { OverviewRow, RegisterPage, Stats } from "../../contract/register.js";
import type { RegisterEvent } from "./domain.js";
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

/** A student's disclosures and overrides (not in the HEAD state), with the HEAD they hold up to. */
interface StudentActivity {
  seq: number;
  hash: string;
  disclosures: { partyId: string; at: string }[];
  overrides: { checkId: string; at: string; reason: string }[];
}
type Activity = Map<string, StudentActivity>;

type ExpiringConsent = Stats["expiringThisMonth"][number];
type OverrideItem = Stats["overrides"][number];

/** The register of the caller's schools in numbers, at a moment (the overview and the statistics). */
export interface RegisterSummary {
  students: number;
  states: Record<RowState, number>;
  /** Valid consents ending within EXPIRING_DAYS days, soonest first. */
  expiring: ExpiringConsent[];
  /** Students with one of them. */
  expiringStudents: number;
  /** Most first. */
  disclosuresPerParty: Stats["disclosuresPerParty"];
  /** Newest first. */
  overrides: OverrideItem[];
  schoolYearStart: Date;
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
/** A valid consent is "expiring" when it ends within this many days (the rows' state and every number alike). */
export const EXPIRING_DAYS = 30;

/** The summary of a set of (party, purpose) states: refusal wins, then an end within 30 days, then valid, else missing. */
export function summarise(pairs: readonly Pair[], at: Date): { state: RowState; nextExpiry: string | undefined } {
  const valid = pairs.filter((x) => x.state === "valid");
  const nextExpiry = valid.map((x) => x.validUntil).filter((x): x is string => !!x).sort()[0];
  const state: RowState = pairs.some((x) => x.state === "refused" || x.state === "withdrawn")
    ? "refused-or-withdrawn"
    : nextExpiry && new Date(nextExpiry).getTime() <= at.getTime() + EXPIRING_DAYS * DAY
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
  /** Each tenant's disclosures and overrides per student, read on the first ask. */
  private readonly activities = new Map<string, Promise<Activity>>();
  /** The students appended while a tenant's activity was being read. */
  private readonly loadingActivity = new Map<string, Set<string>>();

  constructor(
    private readonly repo: RegisterRepository,
    private readonly directory: DirectoryService,
    private readonly rowOf: RowOf,
    private readonly ttlSeconds: number,
  ) {
    repo.onAppended((tenantId, studentId, part, added) => {
      this.applied(tenantId, studentId, part);
      this.active(tenantId, studentId, part, added);
    });
  }

  /**
   * An append of this instance extends the student's kept activity when it follows on the HEAD that was
   * kept (or on none); otherwise (another instance wrote between, or the load already read it) the
   * student's partition is read again.
   */
  private active(tenantId: string, studentId: string, part: Partition, added: readonly RegisterEvent[]): void {
    const head = part.head;
    this.loadingActivity.get(tenantId)?.add(studentId);
    const entry = this.activities.get(tenantId);
    if (!entry || !head) return;
    void entry.then(
      (acts) => {
        const known = acts.get(studentId);
        // It follows on what is kept: the sequence numbers add up and it chains to the kept HEAD's hash
        // (not to a HEAD the retention purge or another instance wrote since).
        const follows = (known?.seq ?? 0) + added.length === head.seq && (!known || added[0]?.prevHash === known.hash);
        if (follows) acts.set(studentId, activityOf(head, added, known));
        else if (!known || known.seq !== head.seq || known.hash !== head.hash) void this.reread(tenantId, studentId, acts);
      },
      () => undefined,
    );
  }

  /** One student's activity read again from the partition (kept unless an append meanwhile got further). */
  private async reread(tenantId: string, studentId: string, acts: Activity, loading = false): Promise<void> {
    const part = await this.repo.read(tenantId, studentId).catch(() => undefined);
    if ((!loading && this.activities.get(tenantId) === undefined) || !part) return;
    if (!part.head) {
      acts.delete(studentId);
      return;
    }
    const known = acts.get(studentId);
    if (!known || known.seq <= part.head.seq) acts.set(studentId, activityOf(part.head, part.events));
  }

  /** The tenant's activity: read on the first ask with one query (the HEAD rows, disclosures and overrides). */
  private activity(tenantId: string): Promise<Activity> {
    const have = this.activities.get(tenantId);
    if (have) return have;
    // Students appended while the query ran: read again after it (the query may have seen their events
    // and their HEAD at different moments).
    const during = new Set<string>();
    this.loadingActivity.set(tenantId, during);
    const next = this.repo
      .readActivity(tenantId)
      .then(async (read) => {
        const acts: Activity = new Map();
        for (const [id, a] of read) acts.set(id, activityOf(a, a.events));
        for (const id of during) await this.reread(tenantId, id, acts, true);
        return acts;
      })
      .finally(() => {
        if (this.loadingActivity.get(tenantId) === during) this.loadingActivity.delete(tenantId);
      });
    this.activities.set(tenantId, next);
    next.catch(() => {
      if (this.activities.get(tenantId) === next) this.activities.delete(tenantId);
    });
    return next;
  }

  /** After a re-read of the HEAD rows: each student whose HEAD is not the one the activity holds up to is read again. */
  private reconcile(tenantId: string, states: Map<string, Partition>): void {
    const entry = this.activities.get(tenantId);
    if (!entry) return;
    void entry.then(
      async (acts) => {
        for (const id of acts.keys()) if (!states.get(id)?.head) acts.delete(id);
        const stale = [...states].filter(([id, p]) => p.head && (acts.get(id)?.seq !== p.head.seq || acts.get(id)?.hash !== p.head.hash)).map(([id]) => id);
        for (const id of stale) await this.reread(tenantId, id, acts);
      },
      () => undefined,
    );
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

  /**
   * The view of these states. With `prev` of the same snapshot and day, a student whose register did not
   * change keeps its entry, and when none changed `prev` itself serves on (with its sorts and kept answers):
   * the periodic re-read of the HEAD rows then costs the read, not 30,000 rows computed again.
   */
  private build(snap: DirectorySnapshot, states: Map<string, Partition>, at: Date, loadedAt: number, prev?: View): View {
    const empty: Partition = { events: [], head: undefined, complete: true };
    const day = dayOf(at);
    const same = prev && prev.snap === snap && prev.day === day ? prev : undefined;
    let changed = !same || same.states.size !== states.size;
    const entries = snap.directory.students.map((s) => {
      const part = states.get(s.id);
      const i = same?.indexOf.get(s.id);
      const kept = same && i !== undefined ? same.entries[i] : undefined;
      if (kept && sameRegister(same?.states.get(s.id), part)) return kept;
      changed = true;
      return entryOf(snap, s, this.rowOf(snap, s, part ?? empty, at));
    });
    if (same && !changed) {
      same.loadedAt = loadedAt;
      return same;
    }
    return {
      snap,
      day,
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
    const current = this.views.get(tenantId);
    void Promise.all([this.load(tenantId), this.directory.snapshot(tenantId), current?.catch(() => undefined)])
      .then(([states, snap, prev]) => {
        // An append or a rebuild meanwhile replaced the view: that one is newer than this read.
        if (this.views.get(tenantId) !== current) return;
        const next = this.build(snap, states, new Date(), Date.now(), prev);
        if (next !== prev) this.views.set(tenantId, Promise.resolve(next));
        this.reconcile(tenantId, states);
      })
      .catch(() => undefined) // the old view keeps serving; the next call tries again
      .finally(() => this.refreshing.delete(tenantId));
  }

  /** Drops a tenant's view (a restore wrote rows under it): the next call reads the HEAD rows again. */
  forget(tenantId: string): void {
    this.views.delete(tenantId);
    this.activities.delete(tenantId);
  }

  /**
   * The register of the caller's schools in numbers at `at`, from the kept rows and activity (no read of
   * the events): students per state, the consents ending within EXPIRING_DAYS days, disclosures per party
   * since the school year's start (1 August), the overrides.
   */
  async summary(tenantId: string, schools: SchoolAccess, at: Date): Promise<RegisterSummary> {
    const [v, acts] = await Promise.all([this.view(tenantId), this.activity(tenantId)]);
    const soon = at.getTime() + EXPIRING_DAYS * DAY;
    const yearStart = new Date(Date.UTC(at.getUTCMonth() >= 7 ? at.getUTCFullYear() : at.getUTCFullYear() - 1, 7, 1));
    const from = yearStart.toISOString();
    const states: Record<RowState, number> = { valid: 0, expiring: 0, missing: 0, "refused-or-withdrawn": 0 };
    const expiring: ExpiringConsent[] = [];
    const perParty = new Map<string, number>();
    const overrides: OverrideItem[] = [];
    let students = 0;
    let expiringStudents = 0;
    for (const { row } of v.entries) {
      if (!mayAccessSchool(schools, row.schoolId)) continue;
      students++;
      states[row.state]++;
      let any = false;
      for (const p of row.pairs ?? []) {
        const until = p.validUntil ? Date.parse(p.validUntil) : NaN;
        // The pair's state is of the view's day: a consent that ended since is no longer valid.
        if (p.state !== "valid" || !p.validUntil || !(until > at.getTime() && until <= soon)) continue;
        expiring.push({ studentId: row.studentId, name: row.name, partyId: p.partyId, purposeId: p.purposeId, validUntil: p.validUntil });
        any = true;
      }
      if (any) expiringStudents++;
      const a = acts.get(row.studentId);
      if (!a) continue;
      for (const d of a.disclosures) if (d.at >= from) perParty.set(d.partyId, (perParty.get(d.partyId) ?? 0) + 1);
      for (const o of a.overrides) overrides.push({ studentId: row.studentId, name: row.name, ...o });
    }
    return {
      students,
      states,
      expiring: expiring.sort((a, b) => cmp(a.validUntil, b.validUntil)),
      expiringStudents,
      disclosuresPerParty: [...perParty]
        .map(([partyId, count]) => ({ partyId, name: v.snap.partyById.get(partyId)?.name ?? partyId, count }))
        .sort((a, b) => b.count - a.count),
      overrides: overrides.sort((a, b) => cmp(b.at, a.at)),
      schoolYearStart: yearStart,
    };
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

/** A student's activity after these events (over what was `known`), held up to `head`. */
function activityOf(head: { seq: number; hash: string }, events: readonly RegisterEvent[], known?: StudentActivity): StudentActivity {
  const disclosures = [...(known?.disclosures ?? [])];
  const overrides = [...(known?.overrides ?? [])];
  for (const e of events) {
    if (e.type === "disclosure" && e.partyId) disclosures.push({ partyId: e.partyId, at: e.at });
    else if (e.type === "override") overrides.push({ checkId: e.checkId, at: e.at, reason: e.reason });
  }
  return { seq: head.seq, hash: head.hash, disclosures, overrides };
}

/** The same register: both empty, or the same HEAD (sequence and hash). */
function sameRegister(a: Partition | undefined, b: Partition | undefined): boolean {
  if (!a?.head || !b?.head) return !a?.head && !b?.head && (a?.events.length ?? 0) === 0 && (b?.events.length ?? 0) === 0;
  return a.head.seq === b.head.seq && a.head.hash === b.head.hash;
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
