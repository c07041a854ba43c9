import { useEffect, useMemo, useState } from "react";
import { Button, Field, Radio, RadioGroup, Select, Text } from "@fluentui/react-components";
import type { Party, Purpose } from "../../../contract/directory.js";
import type { ConsentRequest } from "../../../contract/register.js";
import { excerptOf, findRequestTag, guessDecision, routes, sha256Hex, type ConsentRequestView, type GuardianMatch } from "./api.js";
import type { ReadMessage } from "./host.js";
import { attempt, Busy, errorText, IdOptions, Problem, Success, useApp, PurposeOptions, PaneSection } from "./common.js";

/** Age from which a student consents alone (DOMAIN.md; the server applies the school's policy too). */
const STUDENT_CONSENT_AGE = 16;

type Refusal = "notGuardian" | "noAuthority" | "studentAge" | "otherStudent";

interface Loaded {
  msg: ReadMessage;
  sha256: string;
  /** The server hashes the original message (MIME) through Graph; the client's hash is only a preview. */
  serverHash: boolean;
  eligible: GuardianMatch[];
  request?: ConsentRequestView;
  requestMissing?: string;
  parties: Party[];
  purposes: Purpose[];
}

type State =
  | { s: "idle" }
  | { s: "loading" }
  | { s: "refused"; why: Refusal }
  | { s: "ready"; data: Loaded }
  | { s: "error"; message: string };

export function RecordView() {
  const { host, api, t } = useApp();
  const [state, setState] = useState<State>({ s: "idle" });
  const [studentId, setStudentId] = useState("");
  const [partyId, setPartyId] = useState("");
  const [purposeId, setPurposeId] = useState("");
  const [decision, setDecision] = useState<"granted" | "refused">("granted");
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const [done, setDone] = useState<string>();
  /** The consent was recorded with the pane's hash because Graph could not read the shared mailbox. */
  const [clientHashNote, setClientHashNote] = useState<string>();

  const identify = async () => {
    setState({ s: "loading" });
    setDone(undefined);
    setSaveError(undefined);
    try {
      const msg = await host.readMessage();
      const [{ matches }, sha256, me] = await Promise.all([api.call(routes.guardianLookup, { query: { email: msg.from } }), sha256Hex(msg.bodyText), api.call(routes.me)]);
      const serverHash = me.graph === true && msg.restId !== undefined;
      if (matches.length === 0) return setState({ s: "refused", why: "notGuardian" });
      const withAuthority = matches.filter((m) => m.hasAuthority);
      if (withAuthority.length === 0) return setState({ s: "refused", why: "noAuthority" });
      let eligible = withAuthority.filter((m) => m.studentAge < STUDENT_CONSENT_AGE);
      if (eligible.length === 0) return setState({ s: "refused", why: "studentAge" });
      const tag = findRequestTag(msg.subject, msg.bodyText);
      let request: ConsentRequestView | undefined;
      let requestMissing: string | undefined;
      if (tag) {
        request = await api.call(routes.consentRequest, { params: { id: tag } }).catch(() => undefined);
        if (!request) requestMissing = tag;
      }
      if (request) {
        const forStudent = eligible.filter((m) => m.studentId === request?.studentId);
        if (forStudent.length === 0) {
          const other = matches.find((m) => m.studentId === request?.studentId);
          return setState({ s: "refused", why: other && !other.hasAuthority ? "noAuthority" : other ? "studentAge" : "otherStudent" });
        }
        eligible = forStudent;
      }
      const [{ parties }, { purposes }] = await Promise.all([api.call(routes.parties), api.call(routes.purposes)]);
      setStudentId(eligible[0]?.studentId ?? "");
      setPartyId(request?.partyId ?? "");
      setPurposeId(request?.purposeId ?? "");
      setDecision(guessDecision(excerptOf(msg.bodyText)));
      setState({ s: "ready", data: { msg, sha256, serverHash, eligible, parties, purposes, ...(request ? { request } : {}), ...(requestMissing ? { requestMissing } : {}) } });
    } catch (e) {
      setState({ s: "error", message: errorText(e) });
    }
  };

  useEffect(() => {
    void identify();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const data = state.s === "ready" ? state.data : undefined;
  const match = data?.eligible.find((m) => m.studentId === studentId);
  const party = data?.parties.find((p) => p.id === partyId);
  const purpose = data?.purposes.find((p) => p.id === purposeId);
  const excerpt = useMemo(() => (data ? excerptOf(data.msg.bodyText) : ""), [data]);

  const record = async () => {
    if (!data || !match || !partyId || !purposeId) return;
    await attempt(setSaving, setSaveError, async () => {
      const evidence = {
        messageId: data.msg.internetMessageId,
        sender: data.msg.from,
        date: data.msg.date,
        sha256: data.sha256,
        ...(data.serverHash && data.msg.restId ? { graphMessageId: data.msg.restId } : {}),
        ...(data.msg.mailboxOwner ? { mailboxOwner: data.msg.mailboxOwner } : {}),
        ...(excerpt ? { excerpt } : {}),
        ...(data.request?.messageId ? { inReplyTo: data.request.messageId } : {}),
      };
      const body: ConsentRequest = {
        studentId: match.studentId,
        partyId,
        purposeId,
        decision,
        givenBy: { guardianId: match.guardianId },
        method: "email",
        givenAt: data.msg.date,
        ...(data.request ? { informationShown: data.request.informationShown } : {}),
        evidence,
      };
      // A reply to a request: the server takes student, party, purpose and the text shown from the request.
      const event = data.request
        ? await api.call(routes.recordReply, { params: { id: data.request.requestId }, body: { decision, evidence } })
        : await api.call(routes.recordConsent, { body });
      const mailbox = event.evidence?.mailbox;
      if (mailbox && event.evidence?.hashSource === "client") setClientHashNote(t.sharedMailboxClientHash(mailbox));
      setDone(t.recorded);
    });
  };

  return (
    <PaneSection id="record-title" className="zv-stack" title={t.recordTitle}>
      <Text>{t.recordIntro}</Text>
      {state.s === "loading" && <Busy label={t.loading} />}
      {state.s === "error" && (
        <Problem title={t.error}>
          {state.message}{" "}
          <Button size="small" onClick={() => void identify()}>
            {t.retry}
          </Button>
        </Problem>
      )}
      {state.s === "refused" && (
        <Problem title={t.refusedTitle}>
          <span data-testid="refusal">
            {state.why === "notGuardian"
              ? t.refusedNotGuardian
              : state.why === "noAuthority"
                ? t.refusedNoAuthority
                : state.why === "studentAge"
                  ? t.refusedStudentAge
                  : t.refusedOtherStudent}
          </span>
        </Problem>
      )}
      {data && (
        <>
          {match && <Text weight="semibold">{t.senderIs(match.guardianName, match.studentName)}</Text>}
          {data.request && <Text>{t.answersRequest(data.request.requestId)}</Text>}
          {data.requestMissing && <Text>{t.requestNotFound}</Text>}
          {data.eligible.length > 1 && (
            <Field label={t.student}>
              <Select value={studentId} onChange={(_, d) => setStudentId(d.value)}>
                {data.eligible.map((m) => (
                  <option key={m.studentId} value={m.studentId}>
                    {m.studentName}
                  </option>
                ))}
              </Select>
            </Field>
          )}
          {!data.request && (
            <>
              <Field label={t.party} required>
                <Select
                  value={partyId}
                  onChange={(_, d) => {
                    setPartyId(d.value);
                    const p = data.parties.find((x) => x.id === d.value);
                    if (p?.defaultPurposeId && !purposeId) setPurposeId(p.defaultPurposeId);
                  }}
                >
                  <IdOptions items={data.parties.filter((p) => p.kind !== "processor")} empty={t.choose} label={(p) => p.name} />
                </Select>
              </Field>
              <Field label={t.purpose} required>
                <Select value={purposeId} onChange={(_, d) => setPurposeId(d.value)}>
                  <PurposeOptions purposes={data.purposes} empty={t.choose} />
                </Select>
              </Field>
            </>
          )}
          <Field label={t.decision}>
            <RadioGroup value={decision} onChange={(_, d) => setDecision(d.value === "refused" ? "refused" : "granted")}>
              <Radio value="granted" label={t.granted} />
              <Radio value="refused" label={t.refused} />
            </RadioGroup>
          </Field>
          <PaneSection id="what-title" level={2} title={t.whatRecorded}>
            <dl className="zv-dl" data-testid="summary">
              <dt>{t.fields.student}</dt>
              <dd>{match?.studentName ?? "—"}</dd>
              <dt>{t.fields.givenBy}</dt>
              <dd>
                {match?.guardianName ?? "—"} ({data.msg.from})
              </dd>
              <dt>{t.fields.party}</dt>
              <dd>{party?.name ?? "—"}</dd>
              <dt>{t.fields.purpose}</dt>
              <dd>{purpose?.label ?? "—"}</dd>
              <dt>{t.fields.decision}</dt>
              <dd>{decision === "granted" ? t.granted : t.refused}</dd>
              <dt>{t.fields.method}</dt>
              <dd>{t.method.email}</dd>
              <dt>{t.fields.date}</dt>
              <dd>{new Date(data.msg.date).toLocaleString(host.language() === "en" ? "en-GB" : "nl-NL")}</dd>
              <dt>{t.fields.messageId}</dt>
              <dd className="zv-mono">{data.msg.internetMessageId}</dd>
              <dt>{t.fields.sha256}</dt>
              <dd className="zv-mono">{data.serverHash ? t.serverHash : data.sha256}</dd>
              <dt>{t.fields.excerpt}</dt>
              <dd className="zv-pre">{excerpt || t.none}</dd>
              <dt>{t.fields.informationShown}</dt>
              <dd>{data.request ? t.informationFromRequest : t.none}</dd>
            </dl>
          </PaneSection>
          {saveError && <Problem title={t.error}>{saveError}</Problem>}
          {!data.serverHash && data.msg.mailboxOwner && !done && <Text data-testid="client-hash-note">{t.sharedMailboxClientHash(data.msg.mailboxOwner)}</Text>}
          {done ? (
            <>
              <Success>{done}</Success>
              {clientHashNote && <Text data-testid="client-hash-note">{clientHashNote}</Text>}
            </>
          ) : (
            <Button appearance="primary" disabled={saving || !match || !partyId || !purposeId} onClick={() => void record()}>
              {saving ? t.loading : t.record}
            </Button>
          )}
        </>
      )}
    </PaneSection>
  );
}
