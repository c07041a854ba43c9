import { useEffect, useMemo, useState } from "react";
import { Button, Field, Input, Select, Text, Title3 } from "@fluentui/react-components";
import type { Party, Purpose } from "../../../contract/directory.js";
import type { StudentSummary } from "../../../contract/directory.js";
import { Busy, errorText, Problem, Success, useApp, PurposeOptions } from "./common.js";
import { routes } from "./api.js";

export function RequestView() {
  const { host, api, t } = useApp();
  const [students, setStudents] = useState<StudentSummary[]>([]);
  const [parties, setParties] = useState<Party[]>([]);
  const [purposes, setPurposes] = useState<Purpose[]>([]);
  const [query, setQuery] = useState("");
  const [studentId, setStudentId] = useState("");
  const [partyId, setPartyId] = useState("");
  const [purposeId, setPurposeId] = useState("");
  const [busy, setBusy] = useState(true);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();

  useEffect(() => {
    Promise.all([api.call(routes.students, { query: { limit: 200 } }), api.call(routes.parties), api.call(routes.purposes)])
      .then(([s, p, q]) => {
        setStudents(s.students);
        setParties(p.parties.filter((x) => x.defaultBasis === "consent" && x.kind !== "processor"));
        setPurposes(q.purposes);
      })
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setBusy(false));
  }, [api]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? students.filter((s) => s.name.toLowerCase().includes(q) || s.studentNumber.includes(q)) : students;
  }, [students, query]);

  const compose = async () => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const req = await api.call(routes.createConsentRequest, { body: { studentId, partyId, purposeId, lang: host.language() } });
      // One mail per holder of authority: the first letter fills this mail, every other opens its own.
      const [first, ...others] = req.letters;
      if (first) {
        await host.setSubject(first.subject);
        await host.setBodyHtml(first.bodyHtml);
        if (first.to) await host.setRecipients([first.to]);
      }
      for (const l of others) host.displayNewMessage({ to: l.to ? [l.to] : [], subject: l.subject, htmlBody: l.bodyHtml });
      setDone(req.addressedTo === "student" ? t.studentAlone : t.composed);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="request-title" className="zv-stack">
      <Title3 as="h1" id="request-title">
        {t.requestTitle}
      </Title3>
      <Text>{t.requestIntro}</Text>
      {busy && <Busy label={t.loading} />}
      {error && <Problem title={t.error}>{error}</Problem>}
      <Field label={t.search}>
        <Input type="search" value={query} onChange={(_, d) => setQuery(d.value)} />
      </Field>
      <Field label={t.student} required>
        <Select value={studentId} onChange={(_, d) => setStudentId(d.value)}>
          <option value="">{t.choose}</option>
          {shown.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.className})
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t.party} required>
        <Select
          value={partyId}
          onChange={(_, d) => {
            setPartyId(d.value);
            const p = parties.find((x) => x.id === d.value);
            if (p?.defaultPurposeId) setPurposeId(p.defaultPurposeId);
          }}
        >
          <option value="">{t.choose}</option>
          {parties.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t.purpose} required>
        <Select value={purposeId} onChange={(_, d) => setPurposeId(d.value)}>
          <PurposeOptions purposes={purposes} empty={t.choose} />
        </Select>
      </Field>
      <Button appearance="primary" disabled={busy || !studentId || !partyId || !purposeId} onClick={() => void compose()}>
        {t.compose}
      </Button>
      {done && <Success>{done}</Success>}
    </section>
  );
}
