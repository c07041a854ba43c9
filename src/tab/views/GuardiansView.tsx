/**
 * Guardians and authority (issue 17, item 4; the rule is issue 13's): a student's parents and
 * guardians, their addresses corrected and their parental authority confirmed one by one (a guardian
 * whose authority is unconfirmed counts as without authority), and the student's legal hold.
 */
import { Badge, Button, Card, Field, Input, Radio, RadioGroup, Text, Textarea, Title3, makeStyles, tokens } from "@fluentui/react-components";
import { RouteLink, TitledSection, OptionSelect } from "../components/layout.js";
import { useState, type FormEvent } from "react";
import { routes, type StudentSummary } from "../api.js";
import { AUTHORITY_SOURCES, GUARDIAN_RELATIONS, type AuthoritySource, type GuardianRelation } from "../../../contract/enums.js";
import { useApp, useLoad } from "../context.js";
import { formatDate } from "../i18n.js";
import { Empty, ErrorBox, Loading, Success } from "../components/common.js";
import { useSave } from "../components/useSave.js";
import { useOnboardingTexts } from "./onboarding/texts.js";
import { SetupStep } from "./onboarding/SetupStep.js";

type Guardian = StudentSummary["guardians"][number];

const useStyles = makeStyles({
  search: { display: "flex", gap: tokens.spacingHorizontalM, alignItems: "flex-end", flexWrap: "wrap", marginBottom: tokens.spacingVerticalL },
  results: { listStyleType: "none", padding: 0, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  cards: { display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(320px, 1fr))", gap: tokens.spacingHorizontalL },
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  section: { marginTop: tokens.spacingVerticalXL },
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function GuardiansView({ id }: { id?: string }): JSX.Element {
  const { api } = useApp();
  const { t } = useOnboardingTexts();
  const s = useStyles();
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<StudentSummary[]>();
  const search = useSave();

  const find = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    await search.run(async () => {
      setFound((await api.call(routes.students, { query: { query: query.trim(), limit: 20, sort: "family" } })).students);
    });
  };

  return (
    <SetupStep id="gd-title" title={t("gdTitle")} intro={t("gdIntro")}>
      <form className={s.search} onSubmit={(e) => void find(e)} role="search">
        <Field label={t("gdSearch")}>
          <Input value={query} onChange={(_, d) => setQuery(d.value)} data-testid="gd-search" />
        </Field>
        <Button type="submit" disabled={search.busy}>
          {t("gdSearchBtn")}
        </Button>
      </form>
      {search.error ? <ErrorBox error={search.error} /> : null}
      {found ? (
        found.length ? (
          <ul className={s.results} aria-label={t("gdResults")}>
            {found.map((st) => (
              <li key={st.id}>
                <RouteLink to={{ view: "guardians", id: st.id }} aria-label={t("gdChoose", { name: st.name })} aria-current={st.id === id ? "true" : undefined}>
                  {t("gdStudent", { name: st.name, class: st.className || "-" })} ({st.studentNumber})
                </RouteLink>
              </li>
            ))}
          </ul>
        ) : (
          <Empty>{t("gdNone")}</Empty>
        )
      ) : null}
      {id ? <StudentGuardians id={id} /> : null}
    </SetupStep>
  );
}

function StudentGuardians({ id }: { id: string }): JSX.Element {
  const { api } = useApp();
  const { t } = useOnboardingTexts();
  const s = useStyles();
  const loaded = useLoad(() => api.call(routes.student, { params: { id } }), [api, id]);
  const [student, setStudent] = useState<StudentSummary>();
  const st = student ?? loaded.data;
  if (loaded.loading && !st) return <Loading />;
  if (loaded.error || !st) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  return (
    <div className={s.section}>
      <Title3 as="h2" block id="gd-student">
        {t("gdStudent", { name: st.name, class: st.className || "-" })}
      </Title3>
      {st.guardians.length === 0 ? (
        <Empty>{t("gdNoGuardians")}</Empty>
      ) : (
        <div className={s.cards}>
          {st.guardians.map((g) => (
            <GuardianCard key={g.id} studentId={st.id} g={g} onSaved={setStudent} />
          ))}
        </div>
      )}
      <LegalHoldPanel studentId={st.id} />
    </div>
  );
}

function authorityState(t: ReturnType<typeof useOnboardingTexts>["t"], g: Guardian): string {
  if (!g.authorityConfirmed) return t("gdUnconfirmed");
  return g.hasAuthority ? t("gdHas") : t("gdHasNot");
}

function GuardianCard({ studentId, g, onSaved }: { studentId: string; g: Guardian; onSaved(s: StudentSummary): void }): JSX.Element {
  const { api } = useApp();
  const { t } = useOnboardingTexts();
  const s = useStyles();
  const [name, setName] = useState(g.name);
  const [emails, setEmails] = useState(g.emails.join("\n"));
  const [relation, setRelation] = useState<GuardianRelation>(g.relation);
  const [street, setStreet] = useState(g.address?.street ?? "");
  const [postcode, setPostcode] = useState(g.address?.postcode ?? "");
  const [town, setTown] = useState(g.address?.town ?? "");
  const [has, setHas] = useState<"yes" | "no">(g.hasAuthority ? "yes" : "no");
  const [source, setSource] = useState<AuthoritySource>("declaration");
  const contact = useSave();
  const authority = useSave();
  const [saved, setSaved] = useState<"contact" | "authority">();
  const gid = `g-${g.id}`;

  const saveContact = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setSaved(undefined);
    const list = emails.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean);
    const bad = list.find((x) => !EMAIL.test(x));
    const local: Record<string, string> = {};
    if (!name.trim()) local.name = t("gdName");
    if (bad) local.emails = t("gdEmailInvalid", { email: bad });
    // The postal address: all three or none (none removes a stored one); the server checks the postcode.
    const address = { street: street.trim(), postcode: postcode.trim(), town: town.trim() };
    const anyAddress = Boolean(address.street || address.postcode || address.town);
    if (anyAddress && !(address.street && address.postcode && address.town)) local.address = t("gdAddressIncomplete");
    if (!contact.check(local)) return;
    await contact.run(async () => {
      const body = { name: name.trim(), emails: list, relation, ...(anyAddress ? { address } : g.address ? { address: null } : {}) };
      onSaved(await api.call(routes.putGuardian, { params: { id: studentId, guardianId: g.id }, body }));
      setSaved("contact");
    });
  };
  const confirm = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setSaved(undefined);
    await authority.run(async () => {
      onSaved(await api.call(routes.confirmAuthority, { params: { id: studentId, guardianId: g.id }, body: { hasAuthority: has === "yes", source } }));
      setSaved("authority");
    });
  };
  const emailError = contact.errors.emails ?? Object.entries(contact.errors).find(([k]) => k.startsWith("emails."))?.[1];
  return (
    <Card aria-labelledby={`${gid}-name`} data-testid="guardian-card">
      <Title3 as="h3" block id={`${gid}-name`}>
        {g.name}
      </Title3>
      <Badge appearance="tint" color={!g.authorityConfirmed ? "warning" : g.hasAuthority ? "success" : "informative"} data-testid="authority-state">
        {t("gdAuthorityState", { state: authorityState(t, g) })}
      </Badge>
      <form className={s.form} onSubmit={(e) => void saveContact(e)} noValidate aria-label={`${t("gdSaveContact")}: ${g.name}`}>
        <Field label={t("gdName")} required validationMessage={contact.errors.name}>
          <Input value={name} onChange={(_, d) => setName(d.value)} />
        </Field>
        <Field label={t("gdEmails")} validationMessage={emailError}>
          <Textarea value={emails} onChange={(_, d) => setEmails(d.value)} />
        </Field>
        <Field label={t("gdRelation")}>
          <OptionSelect value={relation} onChange={(_, d) => setRelation(GUARDIAN_RELATIONS.find((r) => r === d.value) ?? "parent")} options={GUARDIAN_RELATIONS} label={(r) => t(`rel_${r}`)} />
        </Field>
        <fieldset className={s.form}>
          <legend>{t("gdAddress")}</legend>
          <Field label={t("gdStreet")} validationMessage={contact.errors["address.street"] ?? contact.errors.address}>
            <Input value={street} onChange={(_, d) => setStreet(d.value)} autoComplete="street-address" />
          </Field>
          <Field label={t("gdPostcode")} validationMessage={contact.errors["address.postcode"]}>
            <Input value={postcode} onChange={(_, d) => setPostcode(d.value)} autoComplete="postal-code" />
          </Field>
          <Field label={t("gdTown")} validationMessage={contact.errors["address.town"]}>
            <Input value={town} onChange={(_, d) => setTown(d.value)} autoComplete="address-level2" />
          </Field>
        </fieldset>
        {contact.error && !emailError && !Object.keys(contact.errors).some((k) => k.startsWith("address")) ? <ErrorBox error={contact.error} /> : null}
        {saved === "contact" ? <Success>{t("gdSaved")}</Success> : null}
        <Button type="submit" disabled={contact.busy}>
          {t("gdSaveContact")}
        </Button>
      </form>
      <form className={s.form} onSubmit={(e) => void confirm(e)} aria-label={`${t("gdConfirm")}: ${g.name}`}>
        <Field label={t("gdDecision")}>
          <RadioGroup value={has} onChange={(_, d) => setHas(d.value === "yes" ? "yes" : "no")}>
            <Radio value="yes" label={t("gdYes")} />
            <Radio value="no" label={t("gdNo")} />
          </RadioGroup>
        </Field>
        <Field label={t("gdSource")}>
          <OptionSelect value={source} onChange={(_, d) => setSource(AUTHORITY_SOURCES.find((x) => x === d.value) ?? "other")} options={AUTHORITY_SOURCES} label={(x) => t(`gdSource_${x}`)} />
        </Field>
        {authority.error ? <ErrorBox error={authority.error} /> : null}
        {saved === "authority" ? <Success>{t("gdSaved")}</Success> : null}
        <Button type="submit" appearance="primary" disabled={authority.busy}>
          {t("gdConfirm")}
        </Button>
      </form>
    </Card>
  );
}

function LegalHoldPanel({ studentId }: { studentId: string }): JSX.Element {
  const { api } = useApp();
  const { t, lang } = useOnboardingTexts();
  const s = useStyles();
  const loaded = useLoad(() => api.call(routes.legalHold, { params: { id: studentId } }), [api, studentId]);
  const [reason, setReason] = useState("");
  const save = useSave();
  const h = loaded.data;
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!h) return;
    if (!save.check(reason.trim().length < 5 ? { reason: t("lhReasonHint") } : {})) return;
    await save.run(async () => {
      await api.call(routes.setLegalHold, { params: { id: studentId }, body: { hold: !h.legalHold, reason: reason.trim() } });
      setReason("");
      loaded.reload();
    });
  };
  return (
    <TitledSection id="lh-title" level={2} className={s.section} title={t("lhTitle")}>
      <Text>{t("lhIntro")}</Text>
      {loaded.error ? <ErrorBox error={loaded.error} onRetry={loaded.reload} /> : null}
      {h ? (
        <form className={s.form} onSubmit={(e) => void submit(e)} noValidate>
          <p>
            <Badge appearance="filled" color={h.legalHold ? "warning" : "informative"} data-testid="legal-hold-state">
              {h.legalHold ? t("lhOn") : t("lhOff")}
            </Badge>{" "}
            {h.legalHold && h.setAt ? <Text>{t("lhSince", { date: formatDate(h.setAt, lang), by: h.setBy ?? "", reason: h.reason ?? "" })}</Text> : null}
          </p>
          <Field label={t("lhReason")} hint={t("lhReasonHint")} required validationMessage={save.errors.reason}>
            <Input value={reason} onChange={(_, d) => setReason(d.value)} />
          </Field>
          {save.error ? <ErrorBox error={save.error} /> : null}
          <Button type="submit" disabled={save.busy}>
            {h.legalHold ? t("lhLift") : t("lhSet")}
          </Button>
        </form>
      ) : (
        <Loading />
      )}
    </TitledSection>
  );
}
