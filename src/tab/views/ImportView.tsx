/**
 * The import wizard (issue 17, item 4): a student-system export (ParnasSys, Magister, Somtoday, ...)
 * in four steps: the file, the columns (the systems' headings recognised, contract/csv-columns.ts), a
 * check of every row by the server's own reader without writing (dryRun), then the import.
 */
import { Badge, Button, Field, Input, Label, MessageBar, MessageBarBody, Select, TableCell, TableRow, Text, makeStyles, tokens } from "@fluentui/react-components";
import { RouteLink } from "../components/layout.js";
import { HeadedTable } from "../components/HeadedTable.js";
import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from "react";
import { routes } from "../api.js";
import type { CsvImportReport } from "../../../contract/index.js";
import { GUARDIAN_FIELDS, GUARDIAN_SLOTS, REQUIRED_COLUMNS, STUDENT_COLUMNS, proposeMapping, type CsvColumn } from "../../../contract/csv-columns.js";
import { useApp } from "../context.js";
import { ErrorBox, Loading, SchoolSelect, Success } from "../components/common.js";
import { useSave } from "../components/useSave.js";
import { dataLineCount, decodeExport, headingsOf, withMappedHeader, type Mapping } from "./onboarding/csv.js";
import { useOnboardingTexts, type OnboardingKey, type OnboardingT } from "./onboarding/texts.js";
import { SetupStep } from "./onboarding/SetupStep.js";

const useStyles = makeStyles({
  steps: { display: "flex", gap: tokens.spacingHorizontalL, listStyleType: "none", padding: 0, margin: `${tokens.spacingVerticalM} 0`, flexWrap: "wrap" },
  step: { padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`, borderBottom: `3px solid transparent`, color: tokens.colorNeutralForeground2 },
  current: { borderBottomColor: tokens.colorCompoundBrandStroke, color: tokens.colorNeutralForeground1, fontWeight: tokens.fontWeightSemibold },
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, maxWidth: "640px" },
  grid: { display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(240px, 1fr))", gap: tokens.spacingHorizontalL },
  group: { border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, padding: tokens.spacingHorizontalM, marginBottom: tokens.spacingVerticalM },
  buttons: { display: "flex", gap: tokens.spacingHorizontalM, marginTop: tokens.spacingVerticalL, flexWrap: "wrap" },
  bad: { backgroundColor: tokens.colorPaletteRedBackground1 },
  problem: { display: "block" },
  file: { color: tokens.colorNeutralForeground1 },
  stepTitle: { fontSize: tokens.fontSizeBase500, lineHeight: tokens.lineHeightBase500, fontWeight: tokens.fontWeightSemibold, margin: `${tokens.spacingVerticalM} 0`, outlineStyle: "none" },
});

interface Loaded {
  name: string;
  text: string;
  headings: string[];
  rows: number;
}

const STEPS: OnboardingKey[] = ["wzStep1", "wzStep2", "wzStep3", "wzStep4"];

/** The columns shown for mapping: the student's, then the guardian slots the file seems to have (at least two). */
function columnsFor(mapping: Mapping): { group: string; slot?: number; columns: CsvColumn[] }[] {
  const used = Math.max(2, ...GUARDIAN_SLOTS.filter((n) => GUARDIAN_FIELDS.some((f) => mapping[`ouder${n}_${f}`] !== undefined)));
  return [
    { group: "student", columns: [...STUDENT_COLUMNS] },
    ...GUARDIAN_SLOTS.filter((n) => n <= used).map((n) => ({ group: "guardian", slot: n, columns: GUARDIAN_FIELDS.map((f): CsvColumn => `ouder${n}_${f}`) })),
  ];
}

function columnLabel(t: OnboardingT, c: CsvColumn): string {
  const g = /^ouder\d_(.+)$/.exec(c)?.[1];
  const field = GUARDIAN_FIELDS.find((f) => f === g);
  return field ? t(`col_${field}`) : t(`col_${c as (typeof STUDENT_COLUMNS)[number]}`);
}

export function ImportView(): JSX.Element {
  const { api, names, reloadNames } = useApp();
  const { t } = useOnboardingTexts();
  const s = useStyles();
  const schools = [...names.schools.values()];
  const [step, setStep] = useState(0);
  const [schoolId, setSchoolId] = useState(schools[0]?.id ?? "");
  const [file, setFile] = useState<Loaded>();
  const [mapping, setMapping] = useState<Mapping>({});
  const [preview, setPreview] = useState<CsvImportReport>();
  const [done, setDone] = useState<CsvImportReport>();
  const save = useSave();
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (!schoolId && schools[0]) setSchoolId(schools[0].id);
  }, [schoolId, schools]);

  const go = (n: number): void => {
    setStep(n);
    save.reset();
    // Focus moves to the new step's heading, so keyboard and screen reader users start there.
    requestAnimationFrame(() => headingRef.current?.focus());
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const f = e.target.files?.[0];
    setPreview(undefined);
    if (!f) return setFile(undefined);
    const text = decodeExport(new Uint8Array(await f.arrayBuffer()));
    const headings = headingsOf(text);
    setFile({ name: f.name, text, headings, rows: dataLineCount(text) });
    setMapping(proposeMapping(headings));
  };

  const send = (dryRun: boolean): Promise<CsvImportReport> => {
    if (!file) throw new Error("no file");
    return api.call(routes.importCsv, {
      query: { schoolId, ...(dryRun ? { dryRun: "true" as const } : {}) },
      body: withMappedHeader(file.text, file.headings, mapping),
    });
  };

  const missing = REQUIRED_COLUMNS.filter((c) => mapping[c] === undefined);
  const headingOf = (field: string): string => {
    const i = mapping[field as CsvColumn];
    return i === undefined ? field : (file?.headings[i] ?? field);
  };

  const toCheck = async (): Promise<void> => {
    if (!save.check(missing.length ? { mapping: t("wzMapMissing", { fields: missing.map((c) => columnLabel(t, c)).join(", ") }) } : {})) return;
    await save.run(async () => {
      setPreview(await send(true));
      go(2);
    });
  };
  const toImport = async (): Promise<void> => {
    await save.run(async () => {
      setDone(await send(false));
      reloadNames();
      go(3);
    });
  };

  const good = preview ? preview.result.students.created + preview.result.students.updated + preview.result.students.unchanged : 0;
  return (
    <SetupStep id="wz-title" title={t("wzTitle")} intro={t("wzIntro")}>
      <ol className={s.steps} aria-label={t("wzSteps")}>
        {STEPS.map((k, i) => (
          <li key={k} className={`${s.step} ${i === step ? s.current : ""}`} aria-current={i === step ? "step" : undefined}>
            {i + 1}. {t(k)}
          </li>
        ))}
      </ol>
      <h2 ref={headingRef} tabIndex={-1} data-testid="wz-step" className={s.stepTitle}>
        {t("wzStepOf", { n: step + 1, total: STEPS.length })}: {t(STEPS[step] ?? "wzStep1")}
      </h2>

      {step === 0 ? (
        <div className={s.form}>
          {schools.length === 0 ? <NewSchool onAdded={(id) => (setSchoolId(id), reloadNames())} /> : null}
          {schools.length > 0 ? (
            <Field label={t("wzSchool")}>
              <SchoolSelect schools={schools} value={schoolId} onChange={setSchoolId} />
            </Field>
          ) : null}
          <div>
            <Label htmlFor="wz-file" weight="semibold">
              {t("wzFile")}
            </Label>
            <br />
            <input id="wz-file" className={s.file} type="file" accept=".csv,.txt,text/csv" aria-describedby="wz-file-hint" onChange={(e) => void onFile(e)} />
            <br />
            <Text size={200} id="wz-file-hint">
              {t("wzFileHint")}
            </Text>
          </div>
          {file ? <Text role="status">{t("wzFileRead", { name: file.name, rows: file.rows, cols: file.headings.length })}</Text> : null}
          <div className={s.buttons}>
            <Button appearance="primary" disabled={!file || !schoolId || file.headings.length < 2} onClick={() => go(1)}>
              {t("wzNext")}
            </Button>
          </div>
        </div>
      ) : null}

      {step === 1 && file ? (
        <div>
          <p>
            <Text>{t("wzMapIntro", { n: Object.keys(proposeMapping(file.headings)).length, total: file.headings.length })}</Text>
          </p>
          {columnsFor(mapping).map((g) => (
            <fieldset key={`${g.group}${g.slot ?? ""}`} className={s.group}>
              <legend>{g.slot ? t("wzGroupGuardian", { n: g.slot }) : t("wzGroupStudent")}</legend>
              <div className={s.grid}>
                {g.columns.map((c) => {
                  const required = (REQUIRED_COLUMNS as readonly string[]).includes(c);
                  return (
                    <Field key={c} label={columnLabel(t, c)} required={required}>
                      <Select
                        data-column={c}
                        value={mapping[c] === undefined ? "" : String(mapping[c])}
                        onChange={(_, d) => {
                          const next = { ...mapping };
                          if (d.value === "") delete next[c];
                          else next[c] = Number(d.value);
                          setMapping(next);
                        }}
                      >
                        <option value="">— {t("wzMapNone")} —</option>
                        {file.headings.map((h, i) => (
                          <option key={i} value={String(i)}>
                            {h || `#${i + 1}`}
                          </option>
                        ))}
                      </Select>
                    </Field>
                  );
                })}
              </div>
            </fieldset>
          ))}
          {save.errors.mapping ? (
            <MessageBar intent="error" role="alert">
              <MessageBarBody>{save.errors.mapping}</MessageBarBody>
            </MessageBar>
          ) : null}
          {save.error ? <ErrorBox error={save.error} /> : null}
          {save.busy ? <Loading /> : null}
          <div className={s.buttons}>
            <Button onClick={() => go(0)}>{t("wzPrev")}</Button>
            <Button appearance="primary" disabled={save.busy} onClick={() => void toCheck()}>
              {t("wzPreviewBtn")}
            </Button>
          </div>
        </div>
      ) : null}

      {step === 2 && preview ? (
        <div>
          <MessageBar intent={preview.errors.length ? "warning" : "info"} role="status" layout="multiline">
            <MessageBarBody>
              {t("wzSummary", {
                rows: preview.rows,
                new: preview.result.students.created,
                changed: preview.result.students.updated,
                unchanged: preview.result.students.unchanged,
                errors: preview.rows - good,
              })}{" "}
              {preview.errors.length ? t("wzErrorsNote") : null} {preview.warnings.length ? t("wzWarningsNote") : null}
            </MessageBarBody>
          </MessageBar>
          <HeadedTable aria-label={t("wzTableCaption")} size="small" data-testid="wz-preview" columns={[t("wzColRow"), t("wzColNumber"), t("wzColName"), t("wzColClass"), t("wzColGuardians"), t("wzColResult"), t("wzColProblems")]}>
            {(preview.preview ?? []).map((r) => {
              const problems = [...preview.errors, ...preview.warnings].filter((p) => p.row === r.row);
              return (
                <TableRow key={r.row} className={r.outcome === "error" ? s.bad : undefined} data-row={r.row} data-outcome={r.outcome}>
                  <TableCell>{r.row}</TableCell>
                  <TableCell>{r.studentNumber}</TableCell>
                  <TableCell>{r.name}</TableCell>
                  <TableCell>{r.className}</TableCell>
                  <TableCell>{r.guardians}</TableCell>
                  <TableCell>
                    <Badge appearance={r.outcome === "error" ? "filled" : "tint"} color={r.outcome === "error" ? "danger" : r.outcome === "new" ? "success" : "informative"}>
                      {t(`wzOutcome_${r.outcome}`)}
                    </Badge>
                  </TableCell>
                  <TableCell>
                    {problems.map((p, i) => (
                      <span key={i} className={s.problem}>
                        {headingOf(p.field)}: {p.message}
                      </span>
                    ))}
                  </TableCell>
                </TableRow>
              );
            })}
          </HeadedTable>
          {(preview.preview?.length ?? 0) < preview.rows ? <Text>{t("wzMoreRows", { n: preview.preview?.length ?? 0 })}</Text> : null}
          {save.error ? <ErrorBox error={save.error} /> : null}
          {save.busy ? <Loading /> : null}
          <div className={s.buttons}>
            <Button onClick={() => go(1)}>{t("wzPrev")}</Button>
            <Button appearance="primary" disabled={good === 0 || save.busy} onClick={() => void toImport()}>
              {good === 0 ? t("wzNothing") : t("wzImport", { n: good })}
            </Button>
          </div>
        </div>
      ) : null}

      {step === 3 && done ? (
        <div>
          <Success>
            {t("wzDone", {
              created: done.result.students.created,
              updated: done.result.students.updated,
              unchanged: done.result.students.unchanged,
              errors: done.errors.length,
            })}
          </Success>
          <p>
            <Text>{t("wzDoneNext")}</Text>
          </p>
          <div className={s.buttons}>
            <RouteLink to={{ view: "guardians" }}>
              {t("linkGuardians")}
            </RouteLink>
            <RouteLink to={{ view: "register" }}>
              {t("wzToRegister")}
            </RouteLink>
            <Button
              onClick={() => {
                setFile(undefined);
                setPreview(undefined);
                setDone(undefined);
                go(0);
              }}
            >
              {t("wzAgain")}
            </Button>
          </div>
        </div>
      ) : null}
    </SetupStep>
  );
}

/** A new school (the first one of a new tenant): name, BRIN and board, through the directory import. */
function NewSchool({ onAdded }: { onAdded(id: string): void }): JSX.Element {
  const { api } = useApp();
  const { t } = useOnboardingTexts();
  const s = useStyles();
  const [name, setName] = useState("");
  const [brin, setBrin] = useState("");
  const [board, setBoard] = useState("");
  const save = useSave();
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!name.trim()) local.name = t("wzSchoolName");
    if (!/^[0-9A-Z]{4}$/.test(brin.trim().toUpperCase())) local.brin = t("wzBrinHint");
    if (!save.check(local)) return;
    const id = `${name
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 60)}-${brin.trim().toLowerCase()}`;
    await save.run(async () => {
      await api.call(routes.importDirectory, {
        body: { schools: [{ id, name: name.trim(), brin: brin.trim().toUpperCase(), ...(board.trim() ? { boardName: board.trim() } : {}) }] },
      });
      onAdded(id);
    });
  };
  return (
    <form className={s.form} onSubmit={(e) => void submit(e)} noValidate aria-labelledby="wz-new-school">
      <Text id="wz-new-school" weight="semibold">
        {t("wzNoSchools")}
      </Text>
      <Field label={t("wzSchoolName")} required validationMessage={save.errors.name}>
        <Input value={name} onChange={(_, d) => setName(d.value)} />
      </Field>
      <Field label={t("wzBrin")} hint={t("wzBrinHint")} required validationMessage={save.errors.brin ?? save.errors["schools.0.brin"]}>
        <Input value={brin} onChange={(_, d) => setBrin(d.value)} />
      </Field>
      <Field label={t("wzBoard")}>
        <Input value={board} onChange={(_, d) => setBoard(d.value)} />
      </Field>
      {save.error ? <ErrorBox error={save.error} /> : null}
      <Button type="submit" disabled={save.busy}>
        {t("wzAddSchool")}
      </Button>
    </form>
  );
}
