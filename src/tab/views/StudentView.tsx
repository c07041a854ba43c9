import {
  Badge,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Link,
  Select,
  Text,
  Textarea,
  Title2,
  Title3,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useMemo, useState, type FormEvent, type ReactNode } from "react";
import { routes, type ConsentEvent, type ConsentRequest, type ConsentStatus, type NoticeRequest, type RegisterEvent, type StudentRegister, type StudentSummary } from "../api.js";
import { useSave } from "../components/useSave.js";
import { useApp, useLoad, type Names } from "../context.js";
import { formatDate, useI18n, type MessageKey, type Translate, type Lang } from "../i18n.js";
import { ErrorBox, Loading, Success } from "../components/common.js";

type Actor = ConsentRequest["givenBy"];
type Guardian = StudentSummary["guardians"][number];

const useStyles = makeStyles({
  head: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalM, alignItems: "center", justifyContent: "space-between" },
  links: { display: "flex", gap: tokens.spacingHorizontalL },
  columns: { display: "grid", gridTemplateColumns: "minmax(0, 3fr) minmax(280px, 2fr)", gap: tokens.spacingHorizontalXXL, "@media (max-width: 900px)": { gridTemplateColumns: "1fr" } },
  timeline: { listStyleType: "none", paddingLeft: 0, margin: 0, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  event: {
    borderLeft: `4px solid ${tokens.colorNeutralStroke1}`,
    paddingLeft: tokens.spacingHorizontalM,
    paddingTop: tokens.spacingVerticalXS,
    paddingBottom: tokens.spacingVerticalXS,
  },
  evConsent: { borderLeftColor: tokens.colorPaletteGreenBorder2 },
  evRefusal: { borderLeftColor: tokens.colorPaletteRedBorder2 },
  evWithdrawal: { borderLeftColor: tokens.colorPaletteDarkOrangeBorder2 },
  evOther: { borderLeftColor: tokens.colorBrandStroke1 },
  dl: { display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: tokens.spacingHorizontalM, rowGap: "2px", margin: `${tokens.spacingVerticalXS} 0` },
  dt: { color: tokens.colorNeutralForeground2 },
  dd: { margin: 0, overflowWrap: "anywhere" },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, marginBottom: tokens.spacingVerticalXL },
  table: { borderCollapse: "collapse", width: "100%", "& th, & td": { textAlign: "left", padding: "4px 8px", borderBottom: `1px solid ${tokens.colorNeutralStroke2}`, verticalAlign: "top" } },
});

const EVENT_LABEL = (e: RegisterEvent): MessageKey => {
  switch (e.type) {
    case "consent":
      return e.decision === "granted" ? "evConsent" : "evRefusal";
    case "withdrawal":
      return "evWithdrawal";
    case "notice":
      return "evNotice";
    case "disclosure":
      return "evDisclosure";
    case "override":
      return "evOverride";
    case "tombstone":
      return "evTombstone";
    case "restriction":
      return "evRestriction";
  }
};

const METHOD_LABEL: Record<string, MessageKey> = {
  email: "methodEmail",
  paper: "methodPaper",
  oral: "methodOral",
  portal: "methodPortal",
  letter: "methodLetter",
  meeting: "methodMeeting",
};
const VERDICT_LABEL: Record<"allow" | "warn" | "block", MessageKey> = { allow: "verdictAllow", warn: "verdictWarn", block: "verdictBlock" };
const BASIS_LABEL: Record<string, MessageKey> = { legal: "basisLegal", consent: "basisConsent", guardian: "basisGuardian", override: "basisOverride", "information-right": "basisInformationRight" };
const STATUS_LABEL: Record<ConsentStatus["state"], MessageKey> = {
  valid: "stValid",
  none: "stNone",
  refused: "stRefused",
  withdrawn: "stWithdrawn",
  expired: "stExpired",
  partial: "stPartial",
  "student-required": "stStudentRequired",
};
const STATUS_COLOR: Record<ConsentStatus["state"], "success" | "danger" | "warning" | "informative"> = {
  valid: "success",
  none: "informative",
  refused: "danger",
  withdrawn: "danger",
  expired: "warning",
  partial: "warning",
  "student-required": "warning",
};

function actorName(a: Actor, guardians: Guardian[], t: Translate): string {
  if ("student" in a) return t("studentSelf");
  return guardians.find((g) => g.id === a.guardianId)?.name ?? a.guardianId;
}

/** A date input's value as an ISO date-time: now for today, noon for another day. */
export function dateToIso(date: string, endOfDay = false): string {
  const today = new Date().toISOString().slice(0, 10);
  if (!endOfDay && date === today) return new Date().toISOString();
  return new Date(`${date}T${endOfDay ? "23:59:59" : "12:00:00"}`).toISOString();
}
const todayStr = (): string => new Date().toISOString().slice(0, 10);

function Fields({ rows }: { rows: [string, ReactNode][] }): JSX.Element {
  const s = useStyles();
  return (
    <dl className={s.dl}>
      {rows.map(([k, v]) => (
        <div key={k} style={{ display: "contents" }}>
          <dt className={s.dt}>{k}</dt>
          <dd className={s.dd}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function EventItem(props: { e: RegisterEvent; verified: boolean; withdrawn: boolean; guardians: Guardian[]; names: Names; onWithdraw(c: ConsentEvent): void }): JSX.Element {
  const { e, names, guardians } = props;
  const { t, lang } = useI18n();
  const s = useStyles();
  const rows: [string, ReactNode][] = [];
  const d = (iso: string): string => formatDate(iso, lang, true);
  switch (e.type) {
    case "consent":
      rows.push([t("fParty"), names.party(e.partyId)], [t("fPurpose"), names.purpose(e.purposeId)], [t("fBy"), actorName(e.givenBy, guardians, t)]);
      rows.push([t("fMethod"), t(METHOD_LABEL[e.method] ?? "unknown")]);
      if (e.heardBy) rows.push([t("fHeardBy"), e.heardBy]);
      rows.push([t("fGivenAt"), d(e.givenAt)]);
      if (e.decision === "granted") rows.push([t("fValidUntil"), formatDate(e.validUntil, lang)]);
      if (e.informationShown) rows.push([t("fInfoShown"), <details key="i"><summary>{e.informationShown.slice(0, 60)}…</summary>{e.informationShown}</details>]);
      break;
    case "withdrawal":
      rows.push([t("fParty"), names.party(e.partyId)], [t("fPurpose"), names.purpose(e.purposeId)], [t("fBy"), actorName(e.by, guardians, t)], [t("fAt"), d(e.at)]);
      if (e.reason) rows.push([t("fReason"), e.reason]);
      break;
    case "notice":
      rows.push([t("fParty"), names.party(e.partyId)], [t("fPurpose"), names.purpose(e.purposeId)], [t("fMethod"), t(METHOD_LABEL[e.method] ?? "unknown")], [t("fAt"), d(e.informedAt)]);
      break;
    case "disclosure":
      rows.push([t("fRecipient"), e.recipient]);
      if (e.partyId) rows.push([t("fParty"), names.party(e.partyId)]);
      if (e.purposeId) rows.push([t("fPurpose"), names.purpose(e.purposeId)]);
      rows.push([t("fBasis"), t(BASIS_LABEL[e.basis] ?? "unknown")], [t("fVerdict"), t(VERDICT_LABEL[e.verdict])], [t("fBy"), e.sentBy], [t("fAt"), d(e.at)]);
      break;
    case "override":
      rows.push([t("fReason"), e.reason], [t("fBy"), e.by], [t("fAt"), d(e.at)]);
      break;
    case "tombstone":
      rows.push([t("fRemoved", { count: e.removedCount }), d(e.at)]);
      break;
  }
  rows.push([t("fRecordedBy"), `${e.recordedBy}, ${d(e.recordedAt)}`]);
  const tone = e.type === "consent" ? (e.decision === "granted" ? s.evConsent : s.evRefusal) : e.type === "withdrawal" ? s.evWithdrawal : s.evOther;
  const evidence = e.type === "consent" ? e.evidence : undefined;
  const title = t(EVENT_LABEL(e));
  return (
    <li className={`${s.event} ${tone}`} data-event-type={e.type} data-event-id={e.id} aria-label={`${title}, ${d(e.recordedAt)}`}>
      <Text weight="semibold">
        {e.seq}. {title}
      </Text>{" "}
      {props.withdrawn ? (
        <Badge appearance="outline" color="danger">
          {t("stWithdrawn")}
        </Badge>
      ) : null}
      <Fields rows={rows} />
      {evidence ? (
        <details>
          <summary>
            {t("fEvidence")}
            {props.verified ? (
              <>
                {" "}
                <Badge appearance="filled" color="success" data-testid="evidence-verified">
                  ✓ {t("verified")}
                </Badge>
              </>
            ) : null}
          </summary>
          <Fields
            rows={[
              [t("fMessageId"), <span key="m" className={s.mono}>{evidence.messageId}</span>],
              [t("fSender"), evidence.sender],
              [t("fAt"), d(evidence.date)],
              [t("fHash"), <span key="h" className={s.mono}>{evidence.sha256}</span>],
              ...(evidence.excerpt ? ([[t("fExcerpt"), evidence.excerpt]] as [string, ReactNode][]) : []),
            ]}
          />
        </details>
      ) : null}
      {e.type === "consent" && e.decision === "granted" && !props.withdrawn ? (
        <Button size="small" onClick={() => props.onWithdraw(e)} aria-label={`${t("actWithdraw")}: ${names.party(e.partyId)}, ${names.purpose(e.purposeId)}`}>
          {t("actWithdraw")}
        </Button>
      ) : null}
    </li>
  );
}

function ActorSelect(props: { id: string; value: string; onChange(v: string): void; guardians: Guardian[] }): JSX.Element {
  const { t } = useI18n();
  return (
    <Select id={props.id} value={props.value} onChange={(_, d) => props.onChange(d.value)}>
      <option value="">{t("chooseGuardian")}</option>
      {props.guardians.map((g) => (
        <option key={g.id} value={`g:${g.id}`}>
          {g.hasAuthority ? g.name : t("guardianNoAuthority", { name: g.name })}
        </option>
      ))}
      <option value="student">{t("studentSelf")}</option>
    </Select>
  );
}
const toActor = (v: string): Actor | undefined => (v === "student" ? { student: true } : v.startsWith("g:") ? { guardianId: v.slice(2) } : undefined);

function PartyPurpose(props: { party: string; purpose: string; setParty(v: string): void; setPurpose(v: string): void; errors: Record<string, string> }): JSX.Element {
  const { names } = useApp();
  const { t } = useI18n();
  return (
    <>
      <Field label={t("fParty")} required validationMessage={props.errors.partyId}>
        <Select value={props.party} onChange={(_, d) => props.setParty(d.value)}>
          <option value="">{t("chooseParty")}</option>
          {[...names.parties.values()].map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t("fPurpose")} required validationMessage={props.errors.purposeId}>
        <Select value={props.purpose} onChange={(_, d) => props.setPurpose(d.value)}>
          <option value="">{t("choosePurpose")}</option>
          {[...names.purposes.values()].map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </Select>
      </Field>
    </>
  );
}

function ConsentForm({ studentId, guardians, onDone }: { studentId: string; guardians: Guardian[]; onDone(msg: MessageKey): void }): JSX.Element {
  const { api } = useApp();
  const { t } = useI18n();
  const s = useStyles();
  const [party, setParty] = useState("");
  const [purpose, setPurpose] = useState("");
  const [decision, setDecision] = useState<"granted" | "refused">("granted");
  const [by, setBy] = useState("");
  const [method, setMethod] = useState<"paper" | "oral" | "portal">("paper");
  const [heardBy, setHeardBy] = useState("");
  const [givenAt, setGivenAt] = useState(todayStr());
  const [validUntil, setValidUntil] = useState("");
  const [info, setInfo] = useState("");
  const { errors, error, busy, run, check } = useSave();

  const submit = async (ev: FormEvent): Promise<void> => {
    ev.preventDefault();
    const local: Record<string, string> = {};
    const actor = toActor(by);
    if (!party) local.partyId = t("required");
    if (!purpose) local.purposeId = t("required");
    if (!actor) local.givenBy = t("required");
    if (!givenAt) local.givenAt = t("required");
    if (method === "oral" && !heardBy.trim()) local.heardBy = t("heardByRequired");
    if (!check(local) || !actor) return;
    const req: ConsentRequest = {
      studentId,
      partyId: party,
      purposeId: purpose,
      decision,
      givenBy: actor,
      method,
      givenAt: dateToIso(givenAt),
      ...(method === "oral" ? { heardBy: heardBy.trim() } : {}),
      ...(validUntil ? { validUntil: dateToIso(validUntil, true) } : {}),
      ...(info.trim() ? { informationShown: info.trim() } : {}),
    };
    await run(async () => {
      await api.call(routes.recordConsent, { body: req });
      setHeardBy("");
      setInfo("");
      onDone("consentRecorded");
    });
  };

  return (
    <form className={s.form} onSubmit={(e) => void submit(e)} aria-labelledby="consent-form-title" noValidate>
      <Title3 as="h3" block id="consent-form-title">
        {t("actConsent")}
      </Title3>
      <Text size={200}>{t("emailViaAddin")}</Text>
      <PartyPurpose party={party} purpose={purpose} setParty={setParty} setPurpose={setPurpose} errors={errors} />
      <Field label={t("decision")}>
        <Select value={decision} onChange={(_, d) => setDecision(d.value === "refused" ? "refused" : "granted")}>
          <option value="granted">{t("decisionGranted")}</option>
          <option value="refused">{t("decisionRefused")}</option>
        </Select>
      </Field>
      <Field label={t("givenBy")} required validationMessage={errors.givenBy}>
        <ActorSelect id="consent-by" value={by} onChange={setBy} guardians={guardians} />
      </Field>
      <Field label={t("fMethod")}>
        <Select value={method} onChange={(_, d) => setMethod(d.value === "oral" ? "oral" : d.value === "portal" ? "portal" : "paper")} data-testid="consent-method">
          <option value="paper">{t("methodPaper")}</option>
          <option value="oral">{t("methodOral")}</option>
          <option value="portal">{t("methodPortal")}</option>
        </Select>
      </Field>
      {method === "oral" ? (
        <Field label={t("heardBy")} hint={t("heardByHint")} required validationMessage={errors.heardBy}>
          <Input value={heardBy} onChange={(_, d) => setHeardBy(d.value)} />
        </Field>
      ) : null}
      <Field label={t("givenAtLabel")} required validationMessage={errors.givenAt}>
        <Input type="date" value={givenAt} max={todayStr()} onChange={(_, d) => setGivenAt(d.value)} />
      </Field>
      <Field label={t("validUntilLabel")} validationMessage={errors.validUntil}>
        <Input type="date" value={validUntil} onChange={(_, d) => setValidUntil(d.value)} />
      </Field>
      <Field label={t("infoShownLabel")} validationMessage={errors.informationShown}>
        <Textarea value={info} onChange={(_, d) => setInfo(d.value)} resize="vertical" />
      </Field>
      {error ? <ErrorBox error={error} /> : null}
      <Button type="submit" appearance="primary" disabled={busy}>
        {t("actConsent")}
      </Button>
    </form>
  );
}

function NoticeForm({ studentId, onDone }: { studentId: string; onDone(msg: MessageKey): void }): JSX.Element {
  const { api } = useApp();
  const { t } = useI18n();
  const s = useStyles();
  const [party, setParty] = useState("");
  const [purpose, setPurpose] = useState("");
  const [method, setMethod] = useState<NoticeRequest["method"]>("letter");
  const [at, setAt] = useState(todayStr());
  const { errors, error, busy, run, check } = useSave();
  const methods: NoticeRequest["method"][] = ["letter", "email", "paper", "oral", "portal", "meeting"];

  const submit = async (ev: FormEvent): Promise<void> => {
    ev.preventDefault();
    const local: Record<string, string> = {};
    if (!party) local.partyId = t("required");
    if (!purpose) local.purposeId = t("required");
    if (!at) local.informedAt = t("required");
    if (!check(local)) return;
    await run(async () => {
      await api.call(routes.notice, { body: { studentId, partyId: party, purposeId: purpose, informedAt: dateToIso(at), method } });
      onDone("noticeRecorded");
    });
  };

  return (
    <form className={s.form} onSubmit={(e) => void submit(e)} aria-labelledby="notice-form-title" noValidate>
      <Title3 as="h3" block id="notice-form-title">
        {t("actNotice")}
      </Title3>
      <PartyPurpose party={party} purpose={purpose} setParty={setParty} setPurpose={setPurpose} errors={errors} />
      <Field label={t("fMethod")}>
        <Select value={method} onChange={(_, d) => setMethod(methods.find((m) => m === d.value) ?? "letter")}>
          {methods.map((m) => (
            <option key={m} value={m}>
              {t(METHOD_LABEL[m] ?? "unknown")}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t("informedAtLabel")} required validationMessage={errors.informedAt}>
        <Input type="date" value={at} max={todayStr()} onChange={(_, d) => setAt(d.value)} />
      </Field>
      {error ? <ErrorBox error={error} /> : null}
      <Button type="submit" disabled={busy}>
        {t("actNotice")}
      </Button>
    </form>
  );
}

function WithdrawDialog(props: { consent: ConsentEvent; guardians: Guardian[]; onClose(): void; onDone(msg: MessageKey): void }): JSX.Element {
  const { api, names } = useApp();
  const { t } = useI18n();
  const s = useStyles();
  const initialBy = "student" in props.consent.givenBy ? "student" : `g:${props.consent.givenBy.guardianId}`;
  const [by, setBy] = useState(initialBy);
  const [at, setAt] = useState(todayStr());
  const [reason, setReason] = useState("");
  const { errors, setErrors, error, setError, busy, run } = useSave();

  const submit = async (ev: FormEvent): Promise<void> => {
    ev.preventDefault();
    const actor = toActor(by);
    if (!actor) {
      setErrors({ by: t("required") });
      return;
    }
    setError(undefined);
    await run(async () => {
      await api.call(routes.withdraw, { params: { id: props.consent.id }, body: { by: actor, at: dateToIso(at), ...(reason.trim() ? { reason: reason.trim() } : {}) } });
      props.onDone("withdrawn");
    });
  };

  return (
    <Dialog open modalType="modal" onOpenChange={(_, d) => !d.open && props.onClose()}>
      <DialogSurface aria-describedby="withdraw-intro">
        <form onSubmit={(e) => void submit(e)} noValidate>
          <DialogBody>
            <DialogTitle>{t("withdrawTitle")}</DialogTitle>
            <DialogContent className={s.form}>
              <Text id="withdraw-intro">{t("withdrawIntro")}</Text>
              <Text weight="semibold">
                {names.party(props.consent.partyId)} · {names.purpose(props.consent.purposeId)}
              </Text>
              <Field label={t("withdrawBy")} required validationMessage={errors.by}>
                <ActorSelect id="withdraw-by" value={by} onChange={setBy} guardians={props.guardians} />
              </Field>
              <Field label={t("givenAtLabel")} required validationMessage={errors.at}>
                <Input type="date" value={at} max={todayStr()} onChange={(_, d) => setAt(d.value)} />
              </Field>
              <Field label={t("fReason")} validationMessage={errors.reason}>
                <Textarea value={reason} onChange={(_, d) => setReason(d.value)} />
              </Field>
              {error ? <ErrorBox error={error} /> : null}
            </DialogContent>
            <DialogActions>
              <Button onClick={props.onClose}>{t("cancel")}</Button>
              <Button type="submit" appearance="primary" disabled={busy} data-testid="withdraw-confirm">
                {t("withdrawConfirm")}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

function StatusTable({ status, names, guardians, t, lang }: { status: ConsentStatus[]; names: Names; guardians: Guardian[]; t: Translate; lang: Lang }): JSX.Element {
  const holder = (id: string): string => guardians.find((g) => g.id === id)?.name ?? id;
  const s = useStyles();
  return (
    <table className={s.table}>
      <caption className="zv-visually-hidden">{t("currentStatus")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("fParty")}</th>
          <th scope="col">{t("fPurpose")}</th>
          <th scope="col">{t("colState")}</th>
          <th scope="col">{t("fValidUntil")}</th>
        </tr>
      </thead>
      <tbody>
        {status.map((st) => (
          <tr key={`${st.partyId}|${st.purposeId}`}>
            <td>{names.party(st.partyId)}</td>
            <td>{names.purpose(st.purposeId)}</td>
            <td>
              <Badge appearance="tint" color={STATUS_COLOR[st.state]}>
                {t(STATUS_LABEL[st.state])}
              </Badge>
              {st.holdersMissing.length ? <div>{t("holdersMissing", { names: st.holdersMissing.map(holder).join(", ") })}</div> : null}
            </td>
            <td>{formatDate(st.validUntil, lang)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StudentView({ id }: { id: string }): JSX.Element {
  const { api, names, href, navigate } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const reg = useLoad<StudentRegister>(() => api.call(routes.register, { params: { id } }), [api, id]);
  const guardiansLoad = useLoad<Guardian[]>(async () => (await api.call(routes.student, { params: { id } })).guardians, [api, id]);
  const guardians = guardiansLoad.data ?? [];
  const [message, setMessage] = useState<MessageKey>();
  const [withdrawing, setWithdrawing] = useState<ConsentEvent>();

  const withdrawnIds = useMemo(() => new Set((reg.data?.events ?? []).flatMap((e) => (e.type === "withdrawal" ? [e.consentId] : []))), [reg.data]);
  const events = useMemo(() => [...(reg.data?.events ?? [])].sort((a, b) => b.seq - a.seq), [reg.data]);

  const done = (msg: MessageKey): void => {
    setWithdrawing(undefined);
    setMessage(msg);
    reg.reload();
  };

  if (reg.loading && !reg.data) return <Loading />;
  if (reg.error || !reg.data) return <ErrorBox error={reg.error} onRetry={reg.reload} />;
  const r = reg.data;
  return (
    <section aria-labelledby="student-title">
      <div className={s.head}>
        <Title2 as="h1" block id="student-title">
          {t("studentTitle", { name: r.student.name })}
        </Title2>
        <nav className={s.links} aria-label={t("navStudent")}>
          <Link href={href({ view: "register" })} onClick={(e) => (e.preventDefault(), navigate({ view: "register" }))}>
            {t("back")}
          </Link>
          <Link href={href({ view: "export", id })} onClick={(e) => (e.preventDefault(), navigate({ view: "export", id }))}>
            {t("exportLink")}
          </Link>
        </nav>
      </div>
      <p>
        {r.chain.verified ? (
          <Badge appearance="tint" color="success" data-testid="chain-verified">
            ✓ {t("chainVerified")}
          </Badge>
        ) : (
          <Badge appearance="filled" color="danger" role="alert">
            {t("chainBroken", { count: r.chain.problems.length })}
          </Badge>
        )}
      </p>
      {message ? <Success>{t(message)}</Success> : null}
      <div className={s.columns}>
        <div>
          <Title3 as="h2" block>{t("currentStatus")}</Title3>
          {r.status.length ? <StatusTable status={r.status} names={names} guardians={guardians} t={t} lang={lang} /> : <p>{t("statusEmpty")}</p>}
          <Title3 as="h2" block>{t("timeline")}</Title3>
          {events.length ? (
            <ol className={s.timeline} aria-label={t("timeline")} data-testid="timeline">
              {events.map((e) => (
                <EventItem
                  key={e.id}
                  e={e}
                  verified={r.chain.verified}
                  withdrawn={withdrawnIds.has(e.id)}
                  guardians={guardians}
                  names={names}
                  onWithdraw={setWithdrawing}
                />
              ))}
            </ol>
          ) : (
            <p>{t("timelineEmpty")}</p>
          )}
        </div>
        <aside aria-label={t("actions")}>
          {guardiansLoad.error ? <ErrorBox error={guardiansLoad.error} onRetry={guardiansLoad.reload} /> : null}
          <ConsentForm studentId={id} guardians={guardians} onDone={done} />
          <NoticeForm studentId={id} onDone={done} />
        </aside>
      </div>
      {withdrawing ? <WithdrawDialog consent={withdrawing} guardians={guardians} onClose={() => setWithdrawing(undefined)} onDone={done} /> : null}
    </section>
  );
}
