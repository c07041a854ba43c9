/**
 * The task pane's student picker: a combobox over every student of the user's schools, searched on the
 * server (GET /api/students, family-name order), each option with its school and class, so two
 * students with the same name at two schools are told apart.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { Combobox, Field, Option, Text, makeStyles, tokens } from "@fluentui/react-components";
import type { StudentSummary } from "../../../contract/directory.js";
import { routes } from "./api.js";
import { errorText, useApp } from "./common.js";

const LIMIT = 20;

const useStyles = makeStyles({
  option: { display: "flex", flexDirection: "column" },
  detail: { color: tokens.colorNeutralForeground2 },
});

export function StudentPicker(props: {
  value: string;
  onChange(id: string): void;
  /** The field's own label and hint (default: "Leerling", required); the check pane asks which student a mail is about. */
  label?: string;
  hint?: string;
  required?: boolean;
  warning?: boolean;
  disabled?: boolean;
}): JSX.Element {
  const { api, t } = useApp();
  const s = useStyles();
  const [text, setText] = useState("");
  const [found, setFound] = useState<StudentSummary[]>([]);
  const [schools, setSchools] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<string>();
  const asked = useRef(0);

  useEffect(() => {
    api.call(routes.schools).then(
      (r) => setSchools(new Map(r.schools.map((x) => [x.id, x.name]))),
      () => undefined, // the options then show the school's id
    );
  }, [api]);

  // Search as the user types (a short pause first); only the newest answer counts.
  useEffect(() => {
    const mine = ++asked.current;
    const wait = setTimeout(() => {
      api.call(routes.students, { query: { ...(text.trim() ? { query: text.trim() } : {}), limit: LIMIT + 1, sort: "family" } }).then(
        (r) => {
          if (mine !== asked.current) return;
          setFound(r.students);
          setError(undefined);
        },
        (e: unknown) => mine === asked.current && setError(errorText(e)),
      );
    }, text ? 200 : 0);
    return () => clearTimeout(wait);
  }, [api, text]);

  const detail = (x: StudentSummary): string => [schools.get(x.schoolId) ?? x.schoolId, x.className].filter(Boolean).join(" · ");
  const chosen = useMemo(() => found.find((x) => x.id === props.value), [found, props.value]);

  return (
    <Field
      label={props.label ?? t.student}
      required={props.required ?? true}
      hint={props.hint ?? t.studentHint}
      validationMessage={error}
      validationState={error ? "error" : props.warning ? "warning" : "none"}
    >
      <Combobox
        disabled={props.disabled}
        value={text}
        placeholder={t.studentPlaceholder}
        selectedOptions={props.value ? [props.value] : []}
        onInput={(e) => {
          setText((e.target as HTMLInputElement).value);
          if (props.value) props.onChange("");
        }}
        onOptionSelect={(_, d) => {
          props.onChange(d.optionValue ?? "");
          if (d.optionText !== undefined) setText(d.optionText);
        }}
        data-testid="student-picker"
        aria-description={chosen ? detail(chosen) : undefined}
      >
        {found.slice(0, LIMIT).map((x) => (
          // Named by the words it shows (no aria-label that could differ from them); the space keeps name and
          // school apart when the two lines are read as one.
          <Option key={x.id} value={x.id} text={`${x.name} (${detail(x)})`}>
            <div className={s.option}>
              <Text weight="semibold">{`${x.name} `}</Text>
              <Text size={200} className={s.detail}>
                ({detail(x)})
              </Text>
            </div>
          </Option>
        ))}
        {found.length === 0 ? (
          <Option key="none" value="" disabled text={t.noStudentFound}>
            {t.noStudentFound}
          </Option>
        ) : null}
        {found.length > LIMIT ? (
          <Option key="more" value="" disabled text={t.moreStudents}>
            {t.moreStudents}
          </Option>
        ) : null}
      </Combobox>
    </Field>
  );
}
