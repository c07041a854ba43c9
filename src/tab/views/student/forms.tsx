/** The forms of the student page: record a consent or refusal, a notice to parents, a withdrawal. */
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, Input, Select, Text, Textarea } from "@fluentui/react-components";
import { OptionSelect, TitledForm } from "../../components/layout.js";
import { useState, type FormEvent } from "react";
import { routes, type ConsentEvent, type ConsentRequest, type NoticeRequest } from "../../api.js";
import { useSave } from "../../components/useSave.js";
import { useApp } from "../../context.js";
import { useI18n, type MessageKey } from "../../i18n.js";
import { ErrorBox, IdSelect } from "../../components/common.js";
import { type Guardian, METHOD_LABEL, dateToIso, giverProblem, todayStr, toActor } from "./labels.js";
import { useStyles } from "./styles.js";

/** The student facts that decide who may give consent: the birth date and the school's consent age. */
export interface GiverContext {
  birthDate: string;
  consentAge: number;
}

/**
 * Who gave (or withdraws) it. Who cannot on that date (a parent without or with unconfirmed authority,
 * parents once the student decides alone, the student below the consent age) is offered disabled, with
 * the reason in the option's text.
 */
export function ActorSelect(props: { id: string; value: string; onChange(v: string): void; guardians: Guardian[]; who: GiverContext | undefined; date: string }): JSX.Element {
  const { t } = useI18n();
  const why = (giver: { guardian: Guardian } | { student: true }): ReturnType<typeof giverProblem> =>
    props.who ? giverProblem(giver, props.who.birthDate, props.who.consentAge, props.date) : undefined;
  const age = String(props.who?.consentAge ?? 16);
  const studentWhy = why({ student: true });
  return (
    <Select id={props.id} value={props.value} onChange={(_, d) => props.onChange(d.value)}>
      <option value="">{t("chooseGuardian")}</option>
      {props.guardians.map((g) => {
        const problem = why({ guardian: g });
        return (
          <option key={g.id} value={`g:${g.id}`} disabled={problem !== undefined}>
            {problem ? t(problem, { name: g.name, age }) : g.hasAuthority ? g.name : t("guardianNoAuthority", { name: g.name })}
          </option>
        );
      })}
      <option value="student" disabled={studentWhy !== undefined}>
        {studentWhy ? t(studentWhy, { age }) : t("studentSelf")}
      </option>
    </Select>
  );
}

/** The giver's own problem on a date (a choice made before the date changed), as a message. */
function giverMessage(by: string, guardians: Guardian[], who: GiverContext | undefined, date: string, t: ReturnType<typeof useI18n>["t"]): string | undefined {
  const actor = toActor(by);
  if (!actor || !who) return undefined;
  const guardian = "guardianId" in actor ? guardians.find((g) => g.id === actor.guardianId) : undefined;
  const problem = "student" in actor ? giverProblem({ student: true }, who.birthDate, who.consentAge, date) : guardian ? giverProblem({ guardian }, who.birthDate, who.consentAge, date) : undefined;
  return problem ? t(problem, { name: guardian?.name ?? "", age: String(who.consentAge) }) : undefined;
}
export function PartyPurpose(props: { party: string; purpose: string; setParty(v: string): void; setPurpose(v: string): void; errors: Record<string, string> }): JSX.Element {
  const { names } = useApp();
  const { t } = useI18n();
  return (
    <>
      <Field label={t("fParty")} required validationMessage={props.errors.partyId}>
        <IdSelect items={[...names.parties.values()]} label={(p) => p.name} value={props.party} onChange={props.setParty} allLabel={t("chooseParty")} />
      </Field>
      <Field label={t("fPurpose")} required validationMessage={props.errors.purposeId}>
        <IdSelect items={[...names.purposes.values()]} label={(p) => p.label} value={props.purpose} onChange={props.setPurpose} allLabel={t("choosePurpose")} />
      </Field>
    </>
  );
}

export function ConsentForm({ studentId, guardians, who, onDone }: { studentId: string; guardians: Guardian[]; who?: GiverContext; onDone(msg: MessageKey): void }): JSX.Element {
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
    // Every problem at once, each next to its field (one round).
    const giver = giverMessage(by, guardians, who, givenAt, t);
    if (!actor) local.givenBy = t("required");
    else if (giver) local.givenBy = giver;
    if (!givenAt) local.givenAt = t("required");
    else if (givenAt > todayStr()) local.givenAt = t("dateInFuture");
    if (validUntil && givenAt && validUntil <= givenAt) local.validUntil = t("validUntilBeforeGiven");
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
    <TitledForm titleId="consent-form-title" className={s.form} onSubmit={(e) => void submit(e)} title={t("actConsent")}>
      <Text size={200}>{t("emailViaAddin")}</Text>
      <PartyPurpose party={party} purpose={purpose} setParty={setParty} setPurpose={setPurpose} errors={errors} />
      <Field label={t("decision")}>
        <Select value={decision} onChange={(_, d) => setDecision(d.value === "refused" ? "refused" : "granted")}>
          <option value="granted">{t("decisionGranted")}</option>
          <option value="refused">{t("decisionRefused")}</option>
        </Select>
      </Field>
      <Field label={t("givenBy")} required validationMessage={errors.givenBy} hint={t("giverHint")}>
        <ActorSelect id="consent-by" value={by} onChange={setBy} guardians={guardians} who={who} date={givenAt} />
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
    </TitledForm>
  );
}

export function NoticeForm({ studentId, onDone }: { studentId: string; onDone(msg: MessageKey): void }): JSX.Element {
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
    else if (at > todayStr()) local.informedAt = t("dateInFuture");
    if (!check(local)) return;
    await run(async () => {
      await api.call(routes.notice, { body: { studentId, partyId: party, purposeId: purpose, informedAt: dateToIso(at), method } });
      onDone("noticeRecorded");
    });
  };

  return (
    <TitledForm titleId="notice-form-title" className={s.form} onSubmit={(e) => void submit(e)} title={t("actNotice")}>
      <PartyPurpose party={party} purpose={purpose} setParty={setParty} setPurpose={setPurpose} errors={errors} />
      <Field label={t("fMethod")}>
        <OptionSelect value={method} onChange={(_, d) => setMethod(methods.find((m) => m === d.value) ?? "letter")} options={methods} label={(m) => t(METHOD_LABEL[m] ?? "unknown")} />
      </Field>
      <Field label={t("informedAtLabel")} required validationMessage={errors.informedAt}>
        <Input type="date" value={at} max={todayStr()} onChange={(_, d) => setAt(d.value)} />
      </Field>
      {error ? <ErrorBox error={error} /> : null}
      <Button type="submit" disabled={busy}>
        {t("actNotice")}
      </Button>
    </TitledForm>
  );
}

export function WithdrawDialog(props: { consent: ConsentEvent; guardians: Guardian[]; who?: GiverContext; onClose(): void; onDone(msg: MessageKey): void }): JSX.Element {
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
    const local: Record<string, string> = {};
    const giver = giverMessage(by, props.guardians, props.who, at, t);
    if (!actor) local.by = t("required");
    else if (giver) local.by = giver;
    if (!at) local.at = t("required");
    else if (at > todayStr()) local.at = t("dateInFuture");
    if (Object.keys(local).length > 0 || !actor) {
      setErrors(local);
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
                <ActorSelect id="withdraw-by" value={by} onChange={setBy} guardians={props.guardians} who={props.who} date={at} />
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
