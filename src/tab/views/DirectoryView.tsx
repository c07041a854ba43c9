/** Parties, purposes and school policy: lists with edit forms that show the server's own error messages. */
import { Button, Checkbox, Field, Input, Select, Switch, Text, Textarea, makeStyles, tokens } from "@fluentui/react-components";
import { TitledSection, OptionSelect, TitledForm } from "../components/layout.js";
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { routes, type Party, type Policy, type Purpose } from "../api.js";
import { PARTY_KINDS, PURPOSE_CATEGORIES } from "../../../contract/enums.js";
import { useSave, type SaveState } from "../components/useSave.js";
import { useApp, useLoad } from "../context.js";
import { useI18n } from "../i18n.js";
import { Empty, ErrorBox, Loading, SchoolSelect, Success } from "../components/common.js";
import { ImportLink } from "./onboarding/ImportLink.js";

const ID_PATTERN = /^[A-Za-z0-9._~:@-]{1,100}$/;

const useStyles = makeStyles({
  layout: { display: "grid", gridTemplateColumns: "minmax(0, 1fr) minmax(300px, 1fr)", gap: tokens.spacingHorizontalXXL, "@media (max-width: 900px)": { gridTemplateColumns: "1fr" } },
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, maxWidth: "560px" },
  row: { display: "flex", gap: tokens.spacingHorizontalM, flexWrap: "wrap" },
  table: { borderCollapse: "collapse", width: "100%", "& th, & td": { textAlign: "left", padding: "4px 8px", borderBottom: `1px solid ${tokens.colorNeutralStroke2}` } },
  section: { marginBottom: tokens.spacingVerticalXXL },
});

const lines = (s: string): string[] => s.split(/[\n,;]+/).map((x) => x.trim()).filter(Boolean);

function emptyParty(): Party {
  return { id: "", name: "", kind: "other", domains: [], addresses: [], defaultBasis: "consent", informParents: true };
}

/**
 * An edit form's item and its save state: both start again when another item is opened (`initial`
 * changes), `onOpen` resets the form's own text fields.
 */
function useItemForm<T>(initial: T, onOpen?: (item: T) => void): SaveState & { p: T; setP(p: T): void } {
  const [p, setP] = useState<T>(initial);
  const save = useSave();
  useEffect(() => {
    setP(initial);
    onOpen?.(initial);
    save.reset();
  }, [initial]);
  return { ...save, p, setP };
}

/** The local checks of a party or purpose: the id's pattern and one required text. */
function idAndRequired(t: (k: "fIdHint" | "required") => string, id: string, field: string, value: string): Record<string, string> {
  const local: Record<string, string> = {};
  if (!ID_PATTERN.test(id)) local.id = t("fIdHint");
  if (!value.trim()) local[field] = t("required");
  return local;
}

function PartyForm({ initial, isNew, onSaved }: { initial: Party; isNew: boolean; onSaved(p: Party): void }): JSX.Element {
  const { api } = useApp();
  const { t } = useI18n();
  const s = useStyles();
  const [domains, setDomains] = useState(initial.domains.join("\n"));
  const [addresses, setAddresses] = useState(initial.addresses.join("\n"));
  const [legalPurposes, setLegalPurposes] = useState((initial.legalPurposeIds ?? []).join("\n"));
  const { p, setP, errors, error, busy, run, check } = useItemForm(initial, (item) => {
    setDomains(item.domains.join("\n"));
    setAddresses(item.addresses.join("\n"));
  });

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!check(idAndRequired(t, p.id, "name", p.name))) return;
    const body: Party = {
      id: p.id,
      name: p.name.trim(),
      kind: p.kind,
      domains: lines(domains),
      addresses: lines(addresses),
      defaultBasis: p.defaultBasis,
      informParents: p.informParents,
      ...(p.statute?.trim() ? { statute: p.statute.trim() } : {}),
      ...(p.agreedChannel?.trim() ? { agreedChannel: p.agreedChannel.trim() } : {}),
      ...(p.defaultPurposeId ? { defaultPurposeId: p.defaultPurposeId } : {}),
      ...(lines(legalPurposes).length > 0 ? { legalPurposeIds: lines(legalPurposes) } : {}),
      ...(p.legalBasisConfirmed ? { legalBasisConfirmed: true } : {}),
    };
    await run(async () => {
      onSaved(await api.call(routes.putParty, { params: { id: body.id }, body }));
    });
  };

  const fe = (k: string): string | undefined => errors[k] ?? Object.entries(errors).find(([key]) => key.startsWith(`${k}.`))?.[1];
  return (
    <TitledForm titleId="party-form-title" className={s.form} onSubmit={(e) => void submit(e)} title={isNew ? t("newParty") : t("editParty")}>
      <Field label={t("fId")} hint={t("fIdHint")} required validationMessage={fe("id")}>
        <Input value={p.id} disabled={!isNew} onChange={(_, d) => setP({ ...p, id: d.value })} />
      </Field>
      <Field label={t("fName")} required validationMessage={fe("name")}>
        <Input value={p.name} onChange={(_, d) => setP({ ...p, name: d.value })} />
      </Field>
      <Field label={t("fKind")} validationMessage={fe("kind")}>
        <OptionSelect value={p.kind} onChange={(_, d) => setP({ ...p, kind: PARTY_KINDS.find((k) => k === d.value) ?? "other" })} options={PARTY_KINDS} label={(k) => t(`kind_${k}`)} />
      </Field>
      <Field label={t("fDefaultBasis")} validationMessage={fe("defaultBasis")}>
        <Select value={p.defaultBasis} onChange={(_, d) => setP({ ...p, defaultBasis: d.value === "legal" ? "legal" : "consent" })}>
          <option value="consent">{t("basisConsent")}</option>
          <option value="legal">{t("basisLegal")}</option>
        </Select>
      </Field>
      <Field label={t("fStatute")} validationMessage={fe("statute")}>
        <Input value={p.statute ?? ""} onChange={(_, d) => setP({ ...p, statute: d.value })} />
      </Field>
      <Field
        label={t("fLegalPurposes")}
        hint={t(p.defaultBasis === "legal" ? "fLegalPurposesHint" : "fLegalPurposesConsentHint")}
        validationMessage={fe("legalPurposeIds")}
      >
        <Textarea value={legalPurposes} onChange={(_, d) => setLegalPurposes(d.value)} />
      </Field>
      {p.defaultBasis === "legal" || lines(legalPurposes).length > 0 ? (
        <>
          <Checkbox
            label={t("fLegalConfirmed")}
            checked={p.legalBasisConfirmed === true}
            onChange={(_, d) => setP({ ...p, legalBasisConfirmed: d.checked === true })}
          />
        </>
      ) : null}
      <Field label={t("fDomains")} validationMessage={fe("domains")}>
        <Textarea value={domains} onChange={(_, d) => setDomains(d.value)} />
      </Field>
      <Field label={t("fAddresses")} validationMessage={fe("addresses")}>
        <Textarea value={addresses} onChange={(_, d) => setAddresses(d.value)} />
      </Field>
      <Field label={t("fChannel")} validationMessage={fe("agreedChannel")}>
        <Input value={p.agreedChannel ?? ""} onChange={(_, d) => setP({ ...p, agreedChannel: d.value })} />
      </Field>
      <Checkbox label={t("fInformParents")} checked={p.informParents} onChange={(_, d) => setP({ ...p, informParents: d.checked === true })} />
      {error ? <ErrorBox error={error} /> : null}
      <Button type="submit" appearance="primary" disabled={busy}>
        {t("save")}
      </Button>
    </TitledForm>
  );
}

const CATEGORY_LABEL = { progress: "catProgress", absence: "catAbsence", care: "catCare", advice: "catAdvice" } as const;

function PurposeForm({ initial, isNew, onSaved }: { initial: Purpose; isNew: boolean; onSaved(p: Purpose): void }): JSX.Element {
  const { api } = useApp();
  const { t } = useI18n();
  const s = useStyles();
  const { p, setP, errors, error, busy, run, check } = useItemForm(initial);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!check(idAndRequired(t, p.id, "label", p.label))) return;
    await run(async () => {
      onSaved(
        await api.call(routes.putPurpose, {
          params: { id: p.id },
          body: {
            id: p.id,
            label: p.label.trim(),
            farReaching: p.farReaching,
            ...(p.category ? { category: p.category } : {}),
            ...(p.specialCategory ? { specialCategory: true } : {}),
          },
        }),
      );
    });
  };
  return (
    <TitledForm titleId="purpose-form-title" className={s.form} onSubmit={(e) => void submit(e)} title={isNew ? t("newPurpose") : t("editPurpose")}>
      <Field label={t("fId")} hint={t("fIdHint")} required validationMessage={errors.id}>
        <Input value={p.id} disabled={!isNew} onChange={(_, d) => setP({ ...p, id: d.value })} />
      </Field>
      <Field label={t("fLabel")} required validationMessage={errors.label}>
        <Input value={p.label} onChange={(_, d) => setP({ ...p, label: d.value })} />
      </Field>
      <Checkbox label={t("fFarReaching")} checked={p.farReaching} onChange={(_, d) => setP({ ...p, farReaching: d.checked === true })} />
      <Field label={t("fCategory")} hint={t("fCategoryHint")}>
        <OptionSelect value={p.category ?? "care"} onChange={(_, d) => setP({ ...p, category: PURPOSE_CATEGORIES.find((c) => c === d.value) ?? "care" })} options={PURPOSE_CATEGORIES} label={(c) => t(CATEGORY_LABEL[c])} />
      </Field>
      <Checkbox
        label={t("fSpecialCategory")}
        checked={p.specialCategory === true}
        onChange={(_, d) => setP({ ...p, specialCategory: d.checked === true })}
      />
      {error ? <ErrorBox error={error} /> : null}
      <Button type="submit" appearance="primary" disabled={busy}>
        {t("save")}
      </Button>
    </TitledForm>
  );
}

function PolicyForm({ schoolId }: { schoolId: string }): JSX.Element {
  const { api } = useApp();
  const { t } = useI18n();
  const s = useStyles();
  const loaded = useLoad(() => api.call(routes.policy, { params: { schoolId } }), [api, schoolId]);
  const [p, setP] = useState<Policy>();
  const [internal, setInternal] = useState("");
  const { errors, setErrors, error, setError, busy, run } = useSave();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (loaded.data) {
      setP(loaded.data);
      setInternal(loaded.data.internalDomains.join("\n"));
    }
  }, [loaded.data]);
  if (loaded.loading && !p) return <Loading />;
  if (loaded.error) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  if (!p) return <Loading />;

  const num = (v: string): number => (v.trim() === "" ? Number.NaN : Number(v));
  const ret = (k: keyof Policy["retention"], v: string): void => setP({ ...p, retention: { ...p.retention, [k]: num(v) } });
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setSaved(false);
    setError(undefined);
    const local: Record<string, string> = {};
    if (!/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/.test(p.schoolYearEnd)) local.schoolYearEnd = "MM-DD";
    if (!Number.isInteger(p.studentConsentAge)) local.studentConsentAge = t("required");
    if (!Number.isInteger(p.defaultValidityDays)) local.defaultValidityDays = t("required");
    if (!Number.isInteger(p.reminderAfterDays)) local.reminderAfterDays = t("required");
    if (!Number.isInteger(p.maxReminders)) local.maxReminders = t("required");
    for (const [k, v] of Object.entries(p.retention)) if (!Number.isInteger(v)) local[`retention.${k}`] = t("required");
    setErrors(local);
    if (Object.keys(local).length) return;
    await run(async () => {
      const stored = await api.call(routes.putPolicy, { params: { schoolId: p.schoolId }, body: { ...p, internalDomains: lines(internal) } });
      setP(stored);
      setSaved(true);
    });
  };
  const n = (v: number): string => (Number.isNaN(v) ? "" : String(v));
  const retentionKeys: [keyof Policy["retention"], Parameters<typeof t>[0]][] = [
    ["studentFileYears", "pRetStudentFile"],
    ["absenceYears", "pRetAbsence"],
    ["referralYears", "pRetReferral"],
    ["consentYears", "pRetConsent"],
    ["disclosureLogYears", "pRetDisclosure"],
  ];
  return (
    <form className={s.form} onSubmit={(e) => void submit(e)} noValidate aria-label={t("policy")}>
      <Switch label={t("pBothParents")} checked={p.farReachingNeedsAllHolders} onChange={(_, d) => setP({ ...p, farReachingNeedsAllHolders: d.checked })} />
      <Field label={t("pStudentAge")} validationMessage={errors.studentConsentAge}>
        <Input type="number" min={12} max={18} value={n(p.studentConsentAge)} onChange={(_, d) => setP({ ...p, studentConsentAge: num(d.value) })} />
      </Field>
      <Field label={t("pValidity")}>
        <Select value={p.defaultValidity} onChange={(_, d) => setP({ ...p, defaultValidity: d.value === "days" ? "days" : "school-year" })}>
          <option value="school-year">{t("pValiditySchoolYear")}</option>
          <option value="days">{t("pValidityDays")}</option>
        </Select>
      </Field>
      {p.defaultValidity === "days" ? (
        <Field label={t("pValidityDaysN")} validationMessage={errors.defaultValidityDays}>
          <Input type="number" min={1} max={3650} value={n(p.defaultValidityDays)} onChange={(_, d) => setP({ ...p, defaultValidityDays: num(d.value) })} />
        </Field>
      ) : null}
      <Field label={t("pSchoolYearEnd")} validationMessage={errors.schoolYearEnd}>
        <Input value={p.schoolYearEnd} onChange={(_, d) => setP({ ...p, schoolYearEnd: d.value })} />
      </Field>
      <Switch label={t("pWarnNotInformed")} checked={p.warnWhenParentsNotInformed} onChange={(_, d) => setP({ ...p, warnWhenParentsNotInformed: d.checked })} />
      <fieldset>
        <legend>{t("pRetention")}</legend>
        <div className={s.row}>
          {retentionKeys.map(([k, label]) => (
            <Field key={k} label={t(label)} validationMessage={errors[`retention.${k}`]}>
              <Input type="number" min={0} max={100} value={n(p.retention[k])} onChange={(_, d) => ret(k, d.value)} />
            </Field>
          ))}
        </div>
      </fieldset>
      <Field label={t("pSendMode")} validationMessage={errors.sendMode}>
        <Select
          value={p.sendMode}
          onChange={(_, d) => setP({ ...p, sendMode: d.value === "block" ? "block" : d.value === "prompt-user" ? "prompt-user" : "soft-block" })}
        >
          <option value="soft-block">{t("pSendSoft")}</option>
          <option value="prompt-user">{t("pSendPrompt")}</option>
          <option value="block">{t("pSendBlock")}</option>
        </Select>
      </Field>
      <Field label={t("pFailMode")} validationMessage={errors.failMode}>
        <Select value={p.failMode} onChange={(_, d) => setP({ ...p, failMode: d.value === "prompt" ? "prompt" : "block" })}>
          <option value="block">{t("pFailBlock")}</option>
          <option value="prompt">{t("pFailPrompt")}</option>
        </Select>
      </Field>
      <Field label={t("pSendBudget")} hint={t("pSendBudgetHint")} validationMessage={errors.sendBudgetSeconds}>
        <Input type="number" min={5} max={120} value={n(p.sendBudgetSeconds)} onChange={(_, d) => setP({ ...p, sendBudgetSeconds: num(d.value) })} />
      </Field>
      <Field label={t("pInternalDomains")} validationMessage={errors.internalDomains ?? Object.entries(errors).find(([k]) => k.startsWith("internalDomains."))?.[1]}>
        <Textarea value={internal} onChange={(_, d) => setInternal(d.value)} />
      </Field>
      <fieldset>
        <legend>{t("rmTitle")}</legend>
        <div className={s.row}>
          <Field label={t("pReminderAfterDays")} validationMessage={errors.reminderAfterDays}>
            <Input type="number" min={1} max={60} value={n(p.reminderAfterDays)} onChange={(_, d) => setP({ ...p, reminderAfterDays: num(d.value) })} />
          </Field>
          <Field label={t("pMaxReminders")} validationMessage={errors.maxReminders}>
            <Input type="number" min={0} max={5} value={n(p.maxReminders)} onChange={(_, d) => setP({ ...p, maxReminders: num(d.value) })} />
          </Field>
        </div>
        <Field hint={t("pAutoRemindersHint")}>
          <Switch label={t("pAutoReminders")} checked={p.autoReminders} onChange={(_, d) => setP({ ...p, autoReminders: d.checked })} />
        </Field>
      </fieldset>
      <Switch label={t("pKeepOriginals")} checked={p.keepOriginalMessages} onChange={(_, d) => setP({ ...p, keepOriginalMessages: d.checked })} />
      {error ? <ErrorBox error={error} /> : null}
      {saved ? <Success>{t("saved")}</Success> : null}
      <Button type="submit" appearance="primary" disabled={busy}>
        {t("save")}
      </Button>
    </form>
  );
}

/** A directory list beside its edit form: a table with an edit button per row (or the empty text) and a "new" button. */
function EditableTable<T extends { id: string }>(props: {
  rows: readonly T[];
  columns: { header: string; cell(row: T): ReactNode }[];
  editLabel: string;
  nameOf(row: T): string;
  onEdit(row: T): void;
  empty: string;
  newLabel: string;
  onNew(): void;
  form: ReactNode;
}): JSX.Element {
  const s = useStyles();
  return (
    <div className={s.layout}>
      <div>
        {props.rows.length ? (
          <table className={s.table}>
            <thead>
              <tr>
                {props.columns.map((c) => (
                  <th key={c.header} scope="col">
                    {c.header}
                  </th>
                ))}
                <th scope="col">
                  <span className="zv-visually-hidden">{props.editLabel}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr key={r.id}>
                  {props.columns.map((c) => (
                    <td key={c.header}>{c.cell(r)}</td>
                  ))}
                  <td>
                    <Button size="small" onClick={() => props.onEdit(r)} aria-label={`${props.editLabel}: ${props.nameOf(r)}`}>
                      {props.editLabel}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <Empty>{props.empty}</Empty>
        )}
        <p>
          <Button onClick={props.onNew}>{props.newLabel}</Button>
        </p>
      </div>
      {props.form}
    </div>
  );
}

export function DirectoryView(): JSX.Element {
  const { names, reloadNames } = useApp();
  const { t } = useI18n();
  const s = useStyles();
  const parties = [...names.parties.values()];
  const purposes = [...names.purposes.values()];
  const schools = [...names.schools.values()];
  const [party, setParty] = useState<{ p: Party; isNew: boolean }>();
  const [purpose, setPurpose] = useState<{ p: Purpose; isNew: boolean }>();
  const [schoolId, setSchoolId] = useState(schools[0]?.id ?? "");
  const [message, setMessage] = useState(false);
  useEffect(() => {
    if (!schoolId && schools[0]) setSchoolId(schools[0].id);
  }, [schoolId, schools]);

  const saved = (): void => {
    setMessage(true);
    setParty(undefined);
    setPurpose(undefined);
    reloadNames();
  };

  return (
    <TitledSection id="dir-title" title={t("dirTitle")}>
      {message ? <Success>{t("saved")}</Success> : null}
      <TitledSection id="parties-title" level={2} className={s.section} title={t("parties")}>
        <EditableTable
          rows={parties}
          columns={[
            { header: t("fName"), cell: (p) => p.name },
            { header: t("fKind"), cell: (p) => t(`kind_${p.kind}`) },
            { header: t("fDefaultBasis"), cell: (p) => (p.defaultBasis === "legal" ? t("basisLegal") : t("basisConsent")) },
            { header: t("fDomains"), cell: (p) => p.domains.join(", ") },
          ]}
          editLabel={t("editParty")}
          nameOf={(p) => p.name}
          onEdit={(p) => setParty({ p, isNew: false })}
          empty={t("emptyParties")}
          newLabel={t("newParty")}
          onNew={() => setParty({ p: emptyParty(), isNew: true })}
          form={party ? <PartyForm initial={party.p} isNew={party.isNew} onSaved={saved} /> : null}
        />
      </TitledSection>
      <TitledSection id="purposes-title" level={2} className={s.section} title={t("purposes")}>
        <EditableTable
          rows={purposes}
          columns={[
            { header: t("fLabel"), cell: (p) => p.label },
            { header: t("fFarReaching"), cell: (p) => (p.farReaching ? t("yes") : t("no")) },
          ]}
          editLabel={t("editPurpose")}
          nameOf={(p) => p.label}
          onEdit={(p) => setPurpose({ p, isNew: false })}
          empty={t("emptyPurposes")}
          newLabel={t("newPurpose")}
          onNew={() => setPurpose({ p: { id: "", label: "", farReaching: false }, isNew: true })}
          form={purpose ? <PurposeForm initial={purpose.p} isNew={purpose.isNew} onSaved={saved} /> : null}
        />
      </TitledSection>
      <TitledSection id="policy-title" level={2} className={s.section} title={t("policy")}>
        {schools.length === 0 ? (
          <Empty>
            {t("emptySchools")} <ImportLink />
          </Empty>
        ) : (
          <>
            <Field label={t("fSchool")}>
              <SchoolSelect schools={schools} value={schoolId} onChange={setSchoolId} />
            </Field>
            <Text size={200}>{names.school(schoolId)}</Text>
            {schoolId ? <PolicyForm key={schoolId} schoolId={schoolId} /> : null}
          </>
        )}
      </TitledSection>
    </TitledSection>
  );
}
