import { useEffect, useState } from "react";
import { Button, Field, Select, Text } from "@fluentui/react-components";
import type { Party, Purpose } from "../../../contract/directory.js";
import { attempt, Busy, errorText, IdOptions, Problem, Success, useApp, PurposeOptions, PaneSection } from "./common.js";
import { routes } from "./api.js";
import { StudentPicker } from "./StudentPicker.js";

export function RequestView() {
  const { host, api, t } = useApp();
  const [parties, setParties] = useState<Party[]>([]);
  const [purposes, setPurposes] = useState<Purpose[]>([]);
  const [studentId, setStudentId] = useState("");
  const [partyId, setPartyId] = useState("");
  const [purposeId, setPurposeId] = useState("");
  const [busy, setBusy] = useState(true);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();

  useEffect(() => {
    Promise.all([api.call(routes.parties), api.call(routes.purposes)])
      .then(([p, q]) => {
        setParties(p.parties.filter((x) => x.defaultBasis === "consent" && x.kind !== "processor"));
        setPurposes(q.purposes);
      })
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setBusy(false));
  }, [api]);

  const compose = async () => {
    setDone(undefined);
    await attempt(setBusy, setError, async () => {
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
    });
  };

  return (
    <PaneSection id="request-title" className="zv-stack" title={t.requestTitle}>
      <Text>{t.requestIntro}</Text>
      {busy && <Busy label={t.loading} />}
      {error && <Problem title={t.error}>{error}</Problem>}
      <StudentPicker value={studentId} onChange={setStudentId} />
      <Field label={t.party} required>
        <Select
          value={partyId}
          onChange={(_, d) => {
            setPartyId(d.value);
            const p = parties.find((x) => x.id === d.value);
            if (p?.defaultPurposeId) setPurposeId(p.defaultPurposeId);
          }}
        >
          <IdOptions items={parties} empty={t.choose} label={(p) => p.name} />
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
    </PaneSection>
  );
}
