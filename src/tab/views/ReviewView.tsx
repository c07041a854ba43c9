import { Button, Checkbox, Field, Input, Radio, RadioGroup, TableCell, TableRow, Text, Textarea, Title3, makeStyles, tokens } from "@fluentui/react-components";
import { TitledSection, TitledForm } from "../components/layout.js";
import { HeadedTable } from "../components/HeadedTable.js";
import { useEffect, useState, type FormEvent } from "react";
import { ApiError, routes, type Breach, type ReviewItem, type StudentSummary } from "../api.js";
import { useApp, useLoad, type OverrideRef } from "../context.js";
import { formatDate, useI18n, type MessageKey } from "../i18n.js";
import { Empty, ErrorBox, Loading, Success } from "../components/common.js";
import { useSave } from "../components/useSave.js";

const useStyles = makeStyles({
  stack: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  actions: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap", alignItems: "end" },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, maxWidth: "720px" },
  fieldset: { border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, padding: tokens.spacingHorizontalM, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
});

/** "a, b; c" as a list of its trimmed, non-empty parts. */
function parts(text: string): string[] {
  return text
    .split(/[,;\n]/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Hours until the 72-hour deadline (DOMAIN.md section 7), rounded down; negative when passed. */
export function hoursLeft(deadline: string, now = Date.now()): number {
  return Math.floor((Date.parse(deadline) - now) / 3_600_000);
}

/**
 * "Te beoordelen" (coordinators): the mails found in Sent Items that the rules would not allow at the
 * time they were sent, with recipients, students, subject and reasons (never a body), and the decision:
 * lawful (logged as a disclosure with who decided) or a data breach; and the breach register with the
 * 72-hour countdown from the moment the school became aware. With `override` (the overview's "Als
 * datalek registreren" on an override found wrong), the breach form comes first, prefilled from it.
 */
export function ReviewView({ override }: { override?: OverrideRef }): JSX.Element {
  const { api, href, navigate } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const items = useLoad(() => api.call(routes.reviewList, { query: { state: "open" } }).then((r) => r.items), [api]);
  const breaches = useLoad(() => api.call(routes.breaches).then((r) => r.breaches), [api]);
  const [note, setNote] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string>();
  const [failed, setFailed] = useState<unknown>();

  const decide = async (item: ReviewItem, decision: "lawful" | "breach") => {
    setDone(undefined);
    setFailed(undefined);
    try {
      const text = note[item.id]?.trim();
      await api.call(routes.decideReview, { params: { id: item.id }, body: { decision, ...(text ? { note: text } : {}) } });
      setDone(t("rvDecided"));
      items.reload();
      breaches.reload();
    } catch (e) {
      setFailed(e);
    }
  };

  const openForm = <OpenBreach onOpened={breaches.reload} {...(override ? { override } : {})} />;
  return (
    <div className={s.stack}>
      {override ? openForm : null}
      <TitledSection id="rv-title" className={s.stack} title={t("rvTitle")}>
        <Text>{t("rvIntro")}</Text>
        {done ? <Success>{done}</Success> : null}
        {failed ? <ErrorBox error={failed} /> : null}
        {items.loading && !items.data ? <Loading /> : null}
        {items.error ? <ErrorBox error={items.error} onRetry={items.reload} /> : null}
        {items.data && items.data.length === 0 ? <Empty>{t("rvEmpty")}</Empty> : null}
        {items.data && items.data.length > 0 ? (
          <HeadedTable aria-labelledby="rv-title" data-testid="review-table" columns={[t("rvSent"), t("rvKind"), t("rvTo"), t("rvStudents"), t("rvSubject"), t("rvReasons"), t("rvNote")]}>
            {items.data.map((r) => (
              <TableRow key={r.id} data-review={r.id}>
                <TableCell>
                  {formatDate(r.sentAt, lang, true)}
                  <br />
                  <Text size={200}>
                    {t("rvFrom")}: {r.mailbox}
                  </Text>
                </TableCell>
                <TableCell>{t(`rvKind_${r.kind}` as MessageKey)}</TableCell>
                <TableCell>{[...r.to, ...r.cc, ...r.bcc].join(", ")}</TableCell>
                <TableCell>
                  {r.students.map((st, i) => (
                    <span key={st.id}>
                      {i > 0 ? ", " : ""}
                      <a
                        href={href({ view: "student", id: st.id })}
                        onClick={(e) => {
                          e.preventDefault();
                          navigate({ view: "student", id: st.id });
                        }}
                      >
                        {st.name}
                      </a>
                    </span>
                  ))}
                </TableCell>
                <TableCell>{r.subject}</TableCell>
                <TableCell>
                  <ul className={s.list}>
                    {r.reasons.map((q, i) => (
                      <li key={i}>
                        {q.recipient}: {lang === "en" ? q.en : q.nl}
                      </li>
                    ))}
                  </ul>
                </TableCell>
                <TableCell>
                  <div className={s.actions}>
                    <Field label={t("rvNote")}>
                      <Input value={note[r.id] ?? ""} onChange={(_, d) => setNote({ ...note, [r.id]: d.value })} />
                    </Field>
                    <Button onClick={() => void decide(r, "lawful")}>{t("rvLawful")}</Button>
                    <Button appearance="primary" onClick={() => void decide(r, "breach")}>
                      {t("rvBreach")}
                    </Button>
                  </div>
                </TableCell>
              </TableRow>
            ))}
          </HeadedTable>
        ) : null}
      </TitledSection>
      <TitledSection id="br-title" level={2} className={s.stack} title={t("brTitle")}>
        {breaches.error ? <ErrorBox error={breaches.error} onRetry={breaches.reload} /> : null}
        {breaches.data && breaches.data.length === 0 ? <Empty>{t("brEmpty")}</Empty> : null}
        {breaches.data && breaches.data.length > 0 ? <BreachTable breaches={breaches.data} onChanged={breaches.reload} /> : null}
      </TitledSection>
      {override ? null : openForm}
    </div>
  );
}

function BreachTable({ breaches, onChanged }: { breaches: Breach[]; onChanged(): void }): JSX.Element {
  const { t, lang } = useI18n();
  const [chosen, setChosen] = useState<string>();
  const open = breaches.find((b) => b.id === chosen);
  return (
    <>
    <HeadedTable aria-labelledby="br-title" data-testid="breach-table" columns={[t("rvStudents"), t("rvTo"), t("brFlagged"), t("brAware"), t("brDeadline"), t("brDecisions")]}>
      {breaches.map((b) => {
        const h = hoursLeft(b.deadline);
        return (
          <TableRow key={b.id}>
            <TableCell>
              {b.students.map((x) => x.name).join(", ")}
              <br />
              <Text size={200}>{b.what}</Text>
              {b.categories.length ? (
                <Text block size={200}>
                  {t("boCategories")}: {b.categories.join(", ")}
                </Text>
              ) : null}
            </TableCell>
            <TableCell>{b.recipients.join(", ")}</TableCell>
            <TableCell>{formatDate(b.flaggedAt, lang, true)}</TableCell>
            <TableCell>{formatDate(b.awareAt, lang, true)}</TableCell>
            <TableCell data-testid="breach-deadline">
              {formatDate(b.deadline, lang, true)} ({h >= 0 ? t("brLeft", { h }) : t("brOverdue")})
            </TableCell>
            <TableCell data-testid="breach-decisions">
              <DecisionsText breach={b} />
              <Button size="small" onClick={() => setChosen(b.id)} aria-label={`${t("brDecide")}: ${b.what}`} aria-expanded={chosen === b.id} aria-controls="br-decide">
                {t("brDecide")}
              </Button>
            </TableCell>
          </TableRow>
        );
      })}
    </HeadedTable>
    {open ? (
      <BreachDecisions
        key={open.id}
        breach={open}
        onDone={() => {
          setChosen(undefined);
          onChanged();
        }}
      />
    ) : null}
    </>
  );
}

/** The decisions taken so far, in words. */
function DecisionsText({ breach: b }: { breach: Breach }): JSX.Element {
  const { t } = useI18n();
  const s = useStyles();
  const lines = [
    b.notifyAuthority ? `${t(b.notifyAuthority.decision === "notify" ? "brAP_notify" : "brAP_not")}: ${b.notifyAuthority.reason}` : t("brAP_open"),
    b.informParents ? `${t(b.informParents.decision === "inform" ? "brPar_inform" : "brPar_not")}: ${b.informParents.reason}` : t("brPar_open"),
    ...(b.followUp ? [`${t("brFollowUp")}: ${b.followUp}`] : []),
  ];
  return (
    <ul className={s.list}>
      {lines.map((l, i) => (
        <li key={i}>
          <Text size={200}>{l}</Text>
        </li>
      ))}
    </ul>
  );
}

/**
 * The decisions on a breach (DOMAIN.md section 7): notify the Autoriteit Persoonsgegevens or not and
 * inform the parents or not, each with its reason and each once (what is decided shows as text), and the
 * follow-up (POST /api/breaches/{id}/decisions).
 */
function BreachDecisions({ breach: b, onDone }: { breach: Breach; onDone(): void }): JSX.Element {
  const { api } = useApp();
  const { t } = useI18n();
  const s = useStyles();
  const save = useSave();
  const [ap, setAp] = useState<"notify" | "not-notify" | "">("");
  const [apReason, setApReason] = useState("");
  const [par, setPar] = useState<"inform" | "not-inform" | "">("");
  const [parReason, setParReason] = useState("");
  const [followUp, setFollowUp] = useState(b.followUp ?? "");

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (ap && apReason.trim().length < 10) local["notifyAuthority.reason"] = t("brReasonHint");
    if (par && parReason.trim().length < 10) local["informParents.reason"] = t("brReasonHint");
    const fu = followUp.trim() && followUp.trim() !== (b.followUp ?? "") ? followUp.trim() : undefined;
    if (!ap && !par && !fu) local.form = t("brNothing");
    if (!save.check(local)) return;
    await save.run(async () => {
      await api.call(routes.decideBreach, {
        params: { id: b.id },
        body: {
          ...(ap ? { notifyAuthority: { decision: ap, reason: apReason.trim() } } : {}),
          ...(par ? { informParents: { decision: par, reason: parReason.trim() } } : {}),
          ...(fu ? { followUp: fu } : {}),
        },
      });
      onDone();
    });
  };

  return (
    <TitledForm titleId="br-decide-title" id="br-decide" data-testid="breach-decide" className={s.form} onSubmit={(e) => void submit(e)} title={t("brDecideTitle", { what: b.what })}>
      {b.notifyAuthority ? null : (
        <DecisionFieldset<"notify" | "not-notify"> legend={t("brAP")} choices={[["notify", t("brAP_notify")], ["not-notify", t("brAP_not")]]} choice={ap} onChoice={setAp} reason={apReason} onReason={setApReason} reasonError={save.errors["notifyAuthority.reason"]} reasonTestId="br-ap-reason" />
      )}
      {b.informParents ? null : (
        <DecisionFieldset<"inform" | "not-inform"> legend={t("brPar")} choices={[["inform", t("brPar_inform")], ["not-inform", t("brPar_not")]]} choice={par} onChoice={setPar} reason={parReason} onReason={setParReason} reasonError={save.errors["informParents.reason"]} reasonTestId="br-par-reason" />
      )}
      <Field label={t("brFollowUp")} hint={t("brFollowUpHint")} validationMessage={save.errors.followUp ?? save.errors.form}>
        <Textarea value={followUp} onChange={(_, d) => setFollowUp(d.value)} />
      </Field>
      {save.error ? <ErrorBox error={save.error} /> : null}
      <div>
        <Button type="submit" appearance="primary" disabled={save.busy}>
          {t("brDecideSave")}
        </Button>
      </div>
    </TitledForm>
  );
}

/** A local date-time ("2026-11-30T10:15", from datetime-local) as ISO, or undefined when empty or invalid. */
function isoOfLocal(v: string): string | undefined {
  const ms = v ? Date.parse(v) : NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * A breach registered by hand (a lost laptop, a list on the wrong screen; DOMAIN.md section 7): what
 * happened, the students (found by name), the recipients and categories of data, and when the school
 * became aware (the 72 hours run from it; empty is now). POST /api/breaches.
 *
 * From an override found wrong (`override`): the overridden check names the students and the recipients
 * it blocked (shown, not editable: the server takes them from the check), "what" is prefilled with the
 * reason given, and it is saved as POST /api/checks/{id}/breach (the breach names its check). A check no
 * longer kept (retention) leaves the form by hand, with "what" still prefilled.
 */
function OpenBreach({ onOpened, override }: { onOpened(): void; override?: OverrideRef }): JSX.Element {
  const { api } = useApp();
  const { t } = useI18n();
  const s = useStyles();
  const save = useSave();
  const search = useSave();
  const [bound, setBound] = useState(override);
  const checked = useLoad(async () => {
    if (!bound) return undefined;
    try {
      return await api.call(routes.getCheck, { params: { id: bound.checkId } });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }, [api, bound?.checkId]);
  const check = bound ? checked.data : undefined;
  useEffect(() => {
    // Opened from an override: once the check is read, the form is where the user continues (after the
    // App's own move of focus to the page, one frame after navigating).
    if (!override || checked.loading) return;
    const frame = requestAnimationFrame(() => {
      const title = document.getElementById("bo-title");
      title?.scrollIntoView({ block: "start" });
      title?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [override, checked.loading]);
  const [what, setWhat] = useState(override ? (override.reason ? t("boFromOverrideWhat", { reason: override.reason }) : t("boFromOverrideWhatNoReason")) : "");
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<StudentSummary[]>();
  const [students, setStudents] = useState<Map<string, StudentSummary>>(new Map());
  const [recipients, setRecipients] = useState("");
  const [categories, setCategories] = useState("");
  const [aware, setAware] = useState("");
  const [opened, setOpened] = useState(false);

  const find = async (): Promise<void> => {
    await search.run(async () => {
      setFound((await api.call(routes.students, { query: { query: query.trim(), limit: 20, sort: "family" } })).students);
    });
  };
  const toggle = (st: StudentSummary, on: boolean): void => {
    const next = new Map(students);
    if (on) next.set(st.id, st);
    else next.delete(st.id);
    setStudents(next);
  };
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setOpened(false);
    const local: Record<string, string> = {};
    if (what.trim().length < 5) local.what = t("brWhatHint");
    if (!check && students.size === 0) local.studentIds = t("brStudentsHint");
    if (aware && !isoOfLocal(aware)) local.awareAt = t("brAwareHint");
    if (!save.check(local)) return;
    const awareAt = isoOfLocal(aware);
    const rec = parts(recipients);
    const cat = parts(categories);
    await save.run(async () => {
      if (check)
        await api.call(routes.overrideBreach, {
          params: { id: check.checkId },
          body: { what: what.trim(), ...(cat.length ? { categories: cat } : {}), ...(awareAt ? { awareAt } : {}) },
        });
      else
        await api.call(routes.openBreach, {
          body: { what: what.trim(), studentIds: [...students.keys()], ...(rec.length ? { recipients: rec } : {}), ...(cat.length ? { categories: cat } : {}), ...(awareAt ? { awareAt } : {}) },
        });
      setBound(undefined);
      setOpened(true);
      setWhat("");
      setStudents(new Map());
      setFound(undefined);
      setQuery("");
      setRecipients("");
      setCategories("");
      setAware("");
      onOpened();
    });
  };
  const shown = [...students.values(), ...(found ?? []).filter((f) => !students.has(f.id))];
  const blocked = check ? check.recipients.filter((r) => r.verdict === "block").map((r) => r.address) : [];

  return (
    <section aria-labelledby="bo-title" className={s.stack} data-testid={override ? "breach-from-override" : undefined}>
      <Title3 as="h2" block id="bo-title" tabIndex={-1}>
        {bound ? t("boFromOverrideTitle") : t("boTitle")}
      </Title3>
      <Text>{check ? t("boFromOverrideIntro") : t("boIntro")}</Text>
      {bound && checked.loading ? <Loading /> : null}
      {bound && checked.error ? <ErrorBox error={checked.error} onRetry={checked.reload} /> : null}
      {bound && checked.data === null ? <Text role="status">{t("boFromOverrideGone")}</Text> : null}
      <form className={s.form} onSubmit={(e) => void submit(e)} noValidate aria-labelledby="bo-title" data-testid="breach-open">
        <Field label={t("boWhat")} hint={t("brWhatHint")} required validationMessage={save.errors.what}>
          <Textarea value={what} onChange={(_, d) => setWhat(d.value)} data-testid="bo-what" />
        </Field>
        {check ? (
          <fieldset className={s.fieldset} data-testid="bo-from-check">
            <legend>{t("boFromOverrideFixed")}</legend>
            <Text>
              {t("boStudents")}: {check.students.map((x) => x.name).join(", ") || t("boFromOverrideNone")}
            </Text>
            <Text>
              {t("boRecipients")}: {blocked.join(", ") || t("boFromOverrideNone")}
            </Text>
            <div>
              <Button type="button" size="small" onClick={() => setBound(undefined)}>
                {t("boFromOverrideCancel")}
              </Button>
            </div>
          </fieldset>
        ) : (
        <fieldset className={s.fieldset}>
          <legend>{t("boStudents")}</legend>
          <div className={s.actions}>
            <Field label={t("boSearch")}>
              <Input
                value={query}
                onChange={(_, d) => setQuery(d.value)}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    void find();
                  }
                }}
                data-testid="bo-search"
              />
            </Field>
            <Button type="button" onClick={() => void find()} disabled={search.busy}>
              {t("boSearchBtn")}
            </Button>
          </div>
          {search.error ? <ErrorBox error={search.error} /> : null}
          {found && found.length === 0 ? <Text role="status">{t("boNone")}</Text> : null}
          {shown.map((st) => (
            <Checkbox key={st.id} checked={students.has(st.id)} onChange={(_, d) => toggle(st, d.checked === true)} label={`${st.name} (${st.className || "-"}, ${st.studentNumber})`} />
          ))}
          {save.errors.studentIds ? (
            <Text role="alert" style={{ color: tokens.colorPaletteRedForeground1 }}>
              {save.errors.studentIds}
            </Text>
          ) : null}
        </fieldset>
        )}
        {check ? null : (
          <Field label={t("boRecipients")} hint={t("boListHint")} validationMessage={save.errors.recipients}>
            <Input value={recipients} onChange={(_, d) => setRecipients(d.value)} data-testid="bo-recipients" />
          </Field>
        )}
        <Field label={t("boCategories")} hint={t("boCategoriesHint")} validationMessage={save.errors.categories}>
          <Input value={categories} onChange={(_, d) => setCategories(d.value)} data-testid="bo-categories" />
        </Field>
        <Field label={t("boAware")} hint={t("brAwareHint")} validationMessage={save.errors.awareAt}>
          <Input type="datetime-local" value={aware} onChange={(_, d) => setAware(d.value)} data-testid="bo-aware" />
        </Field>
        {save.error ? <ErrorBox error={save.error} /> : null}
        {opened ? <Success>{t("boOpened")}</Success> : null}
        <div>
          <Button type="submit" appearance="primary" disabled={save.busy}>
            {t("boSubmit")}
          </Button>
        </div>
      </form>
    </section>
  );
}

/** One decision of a breach (notify the AP, inform the parents): the two choices and the reason. */
function DecisionFieldset<C extends string>(props: {
  legend: string;
  choices: readonly (readonly [C, string])[];
  choice: C | "";
  onChoice(c: C | ""): void;
  reason: string;
  onReason(r: string): void;
  reasonError: string | undefined;
  reasonTestId: string;
}): JSX.Element {
  const { t } = useI18n();
  const s = useStyles();
  return (
    <fieldset className={s.fieldset}>
      <legend>{props.legend}</legend>
      <Field label={t("brChoice")}>
        <RadioGroup value={props.choice} onChange={(_, d) => props.onChoice(props.choices.find(([c]) => c === d.value)?.[0] ?? "")}>
          {props.choices.map(([c, label]) => (
            <Radio key={c} value={c} label={label} />
          ))}
        </RadioGroup>
      </Field>
      <Field label={t("brReason")} hint={t("brReasonHint")} validationMessage={props.reasonError}>
        <Textarea value={props.reason} onChange={(_, d) => props.onReason(d.value)} data-testid={props.reasonTestId} />
      </Field>
    </fieldset>
  );
}
