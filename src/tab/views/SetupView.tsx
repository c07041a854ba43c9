/**
 * Setting up a school (issue 17, item 4): the ways into the import wizard and the guardians screen,
 * the default parties and purposes of DOMAIN.md section 2 as a checklist to adopt, and the retention
 * periods with their four-eyes state (lowering waits for a second person's approval).
 */
import { Badge, Button, Checkbox, Field, Input, Text, makeStyles, tokens } from "@fluentui/react-components";
import { RouteLink, TitledSection } from "../components/layout.js";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { routes, type Party, type Purpose } from "../api.js";
import { DEFAULT_PARTIES, DEFAULT_PURPOSES } from "../../../contract/defaults.js";
import { RETENTION_FLOORS } from "../../../contract/enums.js";
import { useApp, useLoad } from "../context.js";
import { formatDate } from "../i18n.js";
import { ErrorBox, Loading, SchoolSelect, Success } from "../components/common.js";
import { useSave } from "../components/useSave.js";
import { ImportLink } from "./onboarding/ImportLink.js";
import { useOnboardingTexts, type OnboardingT } from "./onboarding/texts.js";

const useStyles = makeStyles({
  links: { display: "flex", gap: tokens.spacingHorizontalXL, flexWrap: "wrap", margin: `${tokens.spacingVerticalM} 0` },
  section: { marginTop: tokens.spacingVerticalXXL, maxWidth: "900px" },
  list: { listStyleType: "none", padding: 0, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXXS },
  fieldset: { border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, padding: tokens.spacingHorizontalM, marginBottom: tokens.spacingVerticalM },
  row: { display: "flex", gap: tokens.spacingHorizontalL, flexWrap: "wrap" },
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
});

export function SetupView(): JSX.Element {
  const { t } = useOnboardingTexts();
  const s = useStyles();
  return (
    <TitledSection id="setup-title" title={t("setupTitle")}>
      <Text>{t("setupIntro")}</Text>
      <nav className={s.links} aria-label={t("setupTitle")}>
        <ImportLink />
        <RouteLink to={{ view: "guardians" }}>
          {t("linkGuardians")}
        </RouteLink>
      </nav>
      <Defaults />
      <Retention />
    </TitledSection>
  );
}

function Defaults(): JSX.Element {
  const { api, names, reloadNames } = useApp();
  const { t } = useOnboardingTexts();
  const s = useStyles();
  const missingPurposes = DEFAULT_PURPOSES.filter((p) => !names.purposes.has(p.id));
  const missingParties = DEFAULT_PARTIES.filter((p) => !names.parties.has(p.id));
  const [chosen, setChosen] = useState<Set<string>>(() => new Set([...missingPurposes.map((p) => `u:${p.id}`), ...missingParties.map((p) => `p:${p.id}`)]));
  const [adopted, setAdopted] = useState<number>();
  const save = useSave();
  const toggle = (k: string, on: boolean): void => {
    const next = new Set(chosen);
    if (on) next.add(k);
    else next.delete(k);
    setChosen(next);
  };
  const parties = missingParties.filter((p) => chosen.has(`p:${p.id}`));
  // A party needs its purposes: those not there yet come along, chosen or not.
  const needed = new Set(parties.flatMap((p) => [p.defaultPurposeId, ...(p.legalPurposeIds ?? [])]).filter((x): x is string => typeof x === "string"));
  const purposes = missingPurposes.filter((p) => chosen.has(`u:${p.id}`) || needed.has(p.id));
  const count = purposes.length + parties.length;

  const adopt = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setAdopted(undefined);
    await save.run(async () => {
      for (const p of purposes) await api.call(routes.putPurpose, { params: { id: p.id }, body: p });
      for (const p of parties) await api.call(routes.putParty, { params: { id: p.id }, body: p });
      setAdopted(count);
      reloadNames();
    });
  };
  const item = (key: string, present: boolean, label: string, detail: string): JSX.Element => (
    <li key={key}>
      <Checkbox
        checked={present || chosen.has(key) || (key.startsWith("u:") && needed.has(key.slice(2)))}
        disabled={present || (key.startsWith("u:") && needed.has(key.slice(2)))}
        onChange={(_, d) => toggle(key, d.checked === true)}
        label={`${label} (${present ? t("dfPresent") : detail})`}
      />
    </li>
  );
  return (
    <TitledSection id="df-title" level={2} className={s.section} title={t("dfTitle")}>
      <Text>{t("dfIntro")}</Text>
      <form onSubmit={(e) => void adopt(e)} className={s.form} data-testid="defaults">
        <fieldset className={s.fieldset}>
          <legend>{t("dfPurposes")}</legend>
          <ul className={s.list}>
            {DEFAULT_PURPOSES.map((p: Purpose) => item(`u:${p.id}`, names.purposes.has(p.id), p.label, p.farReaching ? t("dfFarReaching") : p.category ?? ""))}
          </ul>
        </fieldset>
        <fieldset className={s.fieldset}>
          <legend>{t("dfParties")}</legend>
          <ul className={s.list}>
            {DEFAULT_PARTIES.map((p: Party) =>
              item(`p:${p.id}`, names.parties.has(p.id), p.name, p.defaultBasis === "legal" ? t("dfLegal", { statute: p.statute ?? "" }) : t("dfConsent")),
            )}
          </ul>
        </fieldset>
        {save.error ? <ErrorBox error={save.error} /> : null}
        {adopted !== undefined ? <Success>{t("dfAdopted", { n: adopted })}</Success> : null}
        <div>
          <Button type="submit" appearance="primary" disabled={count === 0 || save.busy}>
            {count === 0 ? t("dfNothing") : t("dfAdopt", { n: count })}
          </Button>
        </div>
      </form>
    </TitledSection>
  );
}

type RetentionKey = keyof typeof RETENTION_FLOORS;
const RETENTION_KEYS = Object.keys(RETENTION_FLOORS) as RetentionKey[];

/** A retention proposal's values in words (also the approvals view). */
export function describeRetention(t: OnboardingT, r: Partial<Record<RetentionKey, number>>): string {
  return RETENTION_KEYS.filter((k) => r[k] !== undefined)
    .map((k) => `${t(`ret_${k}`)}: ${r[k]}`)
    .join("; ");
}

function Retention(): JSX.Element {
  const { api, names } = useApp();
  const { t, lang } = useOnboardingTexts();
  const s = useStyles();
  const schools = [...names.schools.values()];
  const [schoolId, setSchoolId] = useState(schools[0]?.id ?? "");
  useEffect(() => {
    if (!schoolId && schools[0]) setSchoolId(schools[0].id);
  }, [schoolId, schools]);
  const loaded = useLoad(
    async () => (schoolId ? Promise.all([api.call(routes.policy, { params: { schoolId } }), api.call(routes.approvals)]) : undefined),
    [api, schoolId],
  );
  const [values, setValues] = useState<Record<RetentionKey, string>>();
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState<"rtSaved" | "rtProposed">();
  const save = useSave();
  const policy = loaded.data?.[0];
  useEffect(() => {
    if (policy) setValues(Object.fromEntries(RETENTION_KEYS.map((k) => [k, String(policy.retention[k])])) as Record<RetentionKey, string>);
  }, [policy]);
  const mine = useMemo(() => (loaded.data?.[1].approvals ?? []).filter((a) => a.kind === "retention-change" && a.schoolId === schoolId), [loaded.data, schoolId]);
  const pending = mine.filter((a) => a.state === "proposed");
  if (schools.length === 0) return <></>;
  const num = (k: RetentionKey): number => Number(values?.[k] ?? "");
  const lower = policy && values ? RETENTION_KEYS.filter((k) => num(k) < policy.retention[k]) : [];

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!policy || !values) return;
    setMessage(undefined);
    const local: Record<string, string> = {};
    for (const k of RETENTION_KEYS) if (!Number.isInteger(num(k)) || num(k) < RETENTION_FLOORS[k]) local[`retention.${k}`] = t("rtFloor", { n: RETENTION_FLOORS[k] });
    if (lower.length && reason.trim().length < 5) local.reason = t("rtReasonHint");
    if (!save.check(local)) return;
    const retention = Object.fromEntries(RETENTION_KEYS.map((k) => [k, num(k)])) as Record<RetentionKey, number>;
    await save.run(async () => {
      if (lower.length) {
        await api.call(routes.propose, { body: { kind: "retention-change", schoolId, retention, reason: reason.trim() } });
        setMessage("rtProposed");
        setReason("");
      } else {
        await api.call(routes.putPolicy, { params: { schoolId }, body: { ...policy, retention } });
        setMessage("rtSaved");
      }
      loaded.reload();
    });
  };
  return (
    <TitledSection id="rt-title" level={2} className={s.section} title={t("rtTitle")}>
      <Text>{t("rtIntro")}</Text>
      <Field label={t("rtSchool")}>
        <SchoolSelect schools={schools} value={schoolId} onChange={setSchoolId} />
      </Field>
      {loaded.error ? <ErrorBox error={loaded.error} onRetry={loaded.reload} /> : null}
      {!policy || !values ? (
        loaded.error ? null : <Loading />
      ) : (
        <form className={s.form} onSubmit={(e) => void submit(e)} noValidate data-testid="retention">
          <div role="status" data-testid="retention-pending">
            {pending.length ? (
              <>
                {pending.map((a) => (
                  <p key={a.id}>
                    <Badge appearance="filled" color="warning">
                      {t("rtState_proposed")}
                    </Badge>{" "}
                    <Text>{t("rtPending", { by: a.proposedBy, date: formatDate(a.proposedAt, lang), values: describeRetention(t, a.retention ?? {}) })}</Text>
                  </p>
                ))}
                <RouteLink to={{ view: "approvals" }}>
                  {t("rtToApprovals")}
                </RouteLink>
              </>
            ) : (
              <Text>{t("rtNoPending")}</Text>
            )}
          </div>
          <div className={s.row}>
            {RETENTION_KEYS.map((k) => (
              <Field
                key={k}
                label={t(`ret_${k}`)}
                hint={`${t("rtCurrent")}: ${policy.retention[k]} · ${t("rtFloor", { n: RETENTION_FLOORS[k] })}`}
                validationMessage={save.errors[`retention.${k}`]}
              >
                <Input type="number" min={RETENTION_FLOORS[k]} max={100} value={values[k]} onChange={(_, d) => setValues({ ...values, [k]: d.value })} />
              </Field>
            ))}
          </div>
          {lower.length ? (
            <Field label={t("rtReason")} hint={t("rtReasonHint")} required validationMessage={save.errors.reason}>
              <Input value={reason} onChange={(_, d) => setReason(d.value)} />
            </Field>
          ) : null}
          {save.error ? <ErrorBox error={save.error} /> : null}
          {message ? <Success>{t(message)}</Success> : null}
          <div>
            <Button type="submit" appearance="primary" disabled={save.busy}>
              {lower.length ? t("rtPropose") : t("rtSave")}
            </Button>
          </div>
          {mine.length > pending.length ? (
            <div>
              <Text weight="semibold">{t("rtLast")}</Text>
              <ul className={s.list}>
                {mine
                  .filter((a) => a.state !== "proposed")
                  .slice(0, 5)
                  .map((a) => (
                    <li key={a.id}>
                      <Text>
                        {formatDate(a.decidedAt ?? a.proposedAt, lang)}: {t(`rtState_${a.state}`)} ({describeRetention(t, a.retention ?? {})})
                      </Text>
                    </li>
                  ))}
              </ul>
            </div>
          ) : null}
        </form>
      )}
    </TitledSection>
  );
}
