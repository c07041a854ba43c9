import { useCallback, useEffect, useState } from "react";
import { Badge, Button, Field, Radio, RadioGroup, Select, Text, Textarea } from "@fluentui/react-components";
import type { CheckResponse, RecipientResult } from "../../../contract/sendcheck.js";
import type { Party, Purpose } from "../../../contract/directory.js";
import type { SensitivityLabelInfo } from "./host.js";
import { Busy, errorText, Problem, Success, useApp, PurposeOptions, PaneSection } from "./common.js";
import { routes } from "./api.js";
import { StudentPicker } from "./StudentPicker.js";

const CONSENT_CODES = new Set(["NO_CONSENT", "CONSENT_EXPIRED", "CONSENT_WITHDRAWN", "SECOND_GUARDIAN_REQUIRED", "CONSENT_REFUSED"]);
/** Reasons that ask which student the mail is about (an attachment naming nobody, or one that could not be read). */
const STUDENT_CODES = new Set(["ATTACHMENT_WITHOUT_STUDENT", "ATTACHMENT_UNREADABLE"]);
/** Reasons that ask the user to choose the purpose of the mail. */
const PURPOSE_CODES = new Set(["PURPOSE_AMBIGUOUS", "PARENT_OF_16_NO_PURPOSE", "NO_PURPOSE", "PURPOSE_NOT_COVERED"]);
const NOTICE_METHODS = ["email", "letter", "meeting", "paper", "oral", "portal"] as const;
type NoticeMethod = (typeof NOTICE_METHODS)[number];

/** The value of the "another reason" choice: the typed reason counts. */
const OWN = "__own__";

function parseContext(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as { checkId?: unknown };
    return typeof v.checkId === "string" ? v.checkId : undefined;
  } catch {
    return undefined;
  }
}

export function CheckView() {
  const { host, api, t } = useApp();
  const [check, setCheck] = useState<CheckResponse>();
  const [parties, setParties] = useState<Party[]>([]);
  const [purposes, setPurposes] = useState<Purpose[]>([]);
  /** The purpose chosen for this mail ("" = each party's default); kept in the item's session data for the on-send check. */
  const [purposeId, setPurposeId] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [note, setNote] = useState<string>();
  const [reason, setReason] = useState("");
  const [reasonTouched, setReasonTouched] = useState(false);
  /** A reason picked from the school's list (policy overrideReasons), or OWN: the typed one counts. */
  const [picked, setPicked] = useState(OWN);
  const [noticeMethod, setNoticeMethod] = useState<NoticeMethod>("email");
  /** The tenant's sensitivity labels (Purview), undefined without a catalog. */
  const [labels, setLabels] = useState<SensitivityLabelInfo[]>();
  /** Students to pick from when the check recognised none in a mail with an attachment (loaded when asked). */
  const [namedStudent, setNamedStudent] = useState("");

  const run = useCallback(
    async (checkId?: string) => {
      setBusy(true);
      setError(undefined);
      try {
        let res: CheckResponse;
        if (checkId) res = await api.call(routes.getCheck, { params: { id: checkId } });
        else {
          // The same request as the on-send handler's (a meeting's attendees, the attachments' contents,
          // the purpose and students left in the session data, the label), as a query: nothing is written.
          const { body } = await host.readCheck(api);
          res = await api.call(routes.check, { body });
        }
        setCheck(res);
      } catch (e) {
        setError(errorText(e));
      } finally {
        setBusy(false);
      }
    },
    [api, host],
  );

  useEffect(() => {
    void (async () => {
      void api.call(routes.parties).then((r) => setParties(r.parties), () => undefined);
      void api.call(routes.purposes).then((r) => setPurposes(r.purposes), () => undefined);
      void host.sensitivityLabels().then(setLabels, () => undefined);
      setPurposeId((await host.readPurpose().catch(() => undefined)) ?? "");
      await run(parseContext(await host.initializationContext()));
    })();
    host.onInitializationContext((d) => void run(parseContext(d)));
  }, [api, host, run]);

  const act = async (fn: () => Promise<string | undefined>) => {
    setBusy(true);
    setError(undefined);
    setNote(undefined);
    try {
      const msg = await fn();
      if (msg) setNote(msg);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  /** The pane's choice of purpose travels with the mail (session data) to the on-send handler. */
  const choosePurpose = (id: string) =>
    act(async () => {
      setPurposeId(id);
      await host.setPurpose(id || undefined);
      await run();
      return undefined;
    });
  /** The user names the student of a mail in which the check recognised none; it travels with the mail too. */
  const studentAsked = check?.recipients.some((r) => r.reasons.some((q) => STUDENT_CODES.has(q.code))) ?? false;
  const nameStudent = (id: string) =>
    act(async () => {
      setNamedStudent(id);
      await host.setStudents(id ? [id] : []);
      await run();
      return undefined;
    });
  const purposeAsked = check?.recipients.some((r) => r.reasons.some((q) => PURPOSE_CODES.has(q.code))) ?? false;

  const studentFor = (r: RecipientResult): string | undefined => r.reasons.find((q) => q.studentId)?.studentId ?? check?.students[0]?.id;
  const purposeFor = (r: RecipientResult): string | undefined =>
    (purposeId || undefined) ?? check?.purposeId ?? parties.find((p) => p.id === r.party?.id)?.defaultPurposeId;

  const remove = (r: RecipientResult) =>
    act(async () => {
      await host.removeRecipient(r.address);
      await run();
      return t.removed(r.address);
    });

  const requestConsent = (r: RecipientResult) =>
    act(async () => {
      const studentId = studentFor(r);
      const purposeId = purposeFor(r);
      if (!studentId || !r.party || !purposeId) throw new Error(t.purpose);
      const req = await api.call(routes.createConsentRequest, { body: { studentId, partyId: r.party.id, purposeId, lang: host.language() } });
      // One mail per holder of authority: never two addresses in one To line.
      for (const l of req.letters) host.displayNewMessage({ to: l.to ? [l.to] : [], subject: l.subject, htmlBody: l.bodyHtml });
      return t.requestOpened;
    });

  const recordInformed = (r: RecipientResult) =>
    act(async () => {
      const studentId = studentFor(r);
      const purposeId = purposeFor(r);
      if (!studentId || !r.party || !purposeId) throw new Error(t.purpose);
      await api.call(routes.notice, { body: { studentId, partyId: r.party.id, purposeId, informedAt: new Date().toISOString(), method: noticeMethod } });
      await run();
      return t.informedRecorded;
    });

  /** The school's label for encrypted mail, when it configured one and the tenant's catalog has it. */
  const encryptLabel = labels?.find((l) => l.id === check?.policy.encryptedMailLabelId);
  const encrypt = (label: SensitivityLabelInfo) =>
    act(async () => {
      await host.applySensitivityLabel(label.id);
      await run();
      return t.encryptApplied(label.name);
    });

  /** The reason to record: the one picked from the school's list, or the one typed. */
  const chosenReason = (picked === OWN ? reason : picked).trim();
  const reasonOk = chosenReason.length >= 10;
  const listReasons = check?.policy.overrideReasons ?? [];
  const override = () =>
    act(async () => {
      if (!check || !reasonOk) return undefined;
      // The override binds to this mail's digest: the pane's own check is a query, so the mail goes along,
      // read as the handler reads it (the attachments' kept receipts: no second upload).
      const m = await host.readCheck(api);
      await api.call(routes.override, { params: { id: check.checkId }, body: { reason: chosenReason, mail: m.body } });
      await host.markOverride({ checkId: check.checkId, recipients: m.recipients });
      if (host.canSend()) {
        await host.send();
        return `${t.overrideDone} ${t.sent}`;
      }
      return `${t.overrideDone} ${t.pressSend}`;
    });

  const intent = check?.verdict === "allow" ? "success" : check?.verdict === "warn" ? "warning" : "danger";
  return (
    <PaneSection id="check-title" className="zv-stack" title={t.checkTitle}>
      {busy && <Busy label={t.loading} />}
      {error && <Problem title={t.error}>{error}</Problem>}
      {note && <Success>{note}</Success>}
      {check && (
        <>
          <div role="status" aria-live="polite" className="zv-verdict">
            <Badge appearance="filled" color={intent} size="large">
              {t.verdict[check.verdict]}
            </Badge>
            <Text>{check.message}</Text>
          </div>
          {(studentAsked || namedStudent) && (
            // Every student of the user's schools, searched on the server (a board has tens of thousands).
            <StudentPicker
              value={namedStudent}
              onChange={(id) => void nameStudent(id)}
              label={t.whichStudent}
              hint={t.whichStudentHint}
              required={false}
              warning={studentAsked}
              disabled={busy}
            />
          )}
          {check.students.length > 0 && (
            <Field
              label={t.purposeOfMail}
              hint={t.purposeHint}
              validationState={purposeAsked && !purposeId ? "warning" : "none"}
              validationMessage={purposeAsked && !purposeId ? t.purposeAsked : undefined}
            >
              <Select value={purposeId} onChange={(_, d) => void choosePurpose(d.value)} disabled={busy}>
                <PurposeOptions purposes={purposes} empty={t.purposeDefault} />
              </Select>
            </Field>
          )}
          <PaneSection id="students-title" level={2} title={t.students}>
            {check.students.length === 0 ? (
              <Text>{t.noStudents}</Text>
            ) : (
              <ul>
                {check.students.map((s) => (
                  <li key={s.id}>{s.name}</li>
                ))}
              </ul>
            )}
          </PaneSection>
          <PaneSection id="recipients-title" level={2} title={t.recipients}>
            <ul className="zv-recipients">
              {check.recipients.map((r) => {
                const needsConsent = r.kind === "party" && r.reasons.some((q) => CONSENT_CODES.has(q.code));
                const needsNotice = r.kind === "party" && r.reasons.some((q) => q.code === "PARENTS_NOT_INFORMED");
                const canEncrypt = encryptLabel && r.party?.channel === "encrypted-mail" && r.reasons.some((q) => q.code === "AGREED_CHANNEL");
                return (
                  <li key={r.address} className="zv-recipient">
                    <div className="zv-row">
                      <Text weight="semibold">{r.address}</Text>
                      <Badge appearance="tint" color={r.verdict === "allow" ? "success" : r.verdict === "warn" ? "warning" : "danger"}>
                        {t.verdict[r.verdict]}
                      </Badge>
                    </div>
                    <Text size={200}>
                      {r.party ? r.party.name : t.kind[r.kind]} · {t.basis[r.basis]}
                    </Text>
                    <ul>
                      {r.reasons.map((q, i) => (
                        <li key={i}>{q.message}</li>
                      ))}
                    </ul>
                    {r.verdict !== "allow" && (
                      <div className="zv-actions">
                        <Button size="small" aria-label={t.removeRecipient(r.address)} onClick={() => void remove(r)} disabled={busy}>
                          {t.remove}
                        </Button>
                        {needsConsent && (
                          <Button size="small" onClick={() => void requestConsent(r)} disabled={busy}>
                            {t.requestConsent}
                          </Button>
                        )}
                        {canEncrypt && (
                          <Button size="small" appearance="primary" onClick={() => void encrypt(encryptLabel)} disabled={busy}>
                            {t.encryptSend}
                          </Button>
                        )}
                        {needsNotice && (
                          <>
                            <Field label={t.informedHow} size="small">
                              <Select size="small" value={noticeMethod} onChange={(_, d) => setNoticeMethod(d.value as NoticeMethod)}>
                                {NOTICE_METHODS.map((m) => (
                                  <option key={m} value={m}>
                                    {t.method[m]}
                                  </option>
                                ))}
                              </Select>
                            </Field>
                            <Button size="small" onClick={() => void recordInformed(r)} disabled={busy}>
                              {t.recordInformed}
                            </Button>
                          </>
                        )}
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </PaneSection>
          {check.verdict !== "allow" && (
            <PaneSection id="override-title" level={2} className="zv-stack" title={t.overrideTitle}>
              <Text size={200}>{t.overrideHelp}</Text>
              {listReasons.length > 0 && (
                <Field label={t.overridePick} required>
                  <RadioGroup value={picked} onChange={(_, d) => setPicked(d.value)}>
                    {listReasons.map((r) => (
                      <Radio key={r} value={r} label={r} />
                    ))}
                    <Radio value={OWN} label={t.overrideOwn} />
                  </RadioGroup>
                </Field>
              )}
              <Field
                label={t.overrideReason}
                required={picked === OWN}
                validationState={picked === OWN && reasonTouched && !reasonOk ? "error" : "none"}
                validationMessage={picked === OWN && reasonTouched && !reasonOk ? t.overrideTooShort : undefined}
              >
                {/* Typing a reason chooses "another reason". */}
                <Textarea
                  value={reason}
                  onChange={(_, d) => {
                    setReason(d.value);
                    setPicked(OWN);
                  }}
                  onBlur={() => setReasonTouched(true)}
                  resize="vertical"
                />
              </Field>
              <Button appearance="primary" disabled={busy || !reasonOk} onClick={() => void override()}>
                {t.overrideButton}
              </Button>
            </PaneSection>
          )}
          <Button onClick={() => void run()} disabled={busy}>
            {t.checkAgain}
          </Button>
        </>
      )}
    </PaneSection>
  );
}
