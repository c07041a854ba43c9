/**
 * The simulated Outlook: folders, a compose form whose Send runs the real on-send handler through
 * office-sim.ts, the Smart Alerts dialog, the inbox with demo replies, and the real task pane.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  Badge,
  Button,
  Card,
  FluentProvider,
  Link,
  MessageBar,
  MessageBarBody,
  Text,
} from "@fluentui/react-components";
import type { Mode } from "../addin/taskpane/App.js";
import type { MailHost } from "../addin/taskpane/host.js";
import { ApiClient } from "../shared/api.js";
import { THEMES, themeStyle } from "../shared/theme.js";
import type { Party } from "../../contract/directory.js";
import type { StudentSummary } from "../../contract/directory.js";
import { htmlToText, type OfficeSim, type SimCompletedOptions, type SimComposeMail } from "./office-sim.js";
import { addressBook, inboxMessages, tourExamples, USER_EMAIL, type AddressEntry, type InboxMessage, type TourExample } from "./demo.js";
import { strings, type Lang } from "./i18n.js";
import { Compose } from "./Compose.js";
import { Inbox } from "./Inbox.js";
import { SmartAlert } from "./SmartAlert.js";
import { TaskPane } from "./TaskPane.js";
import { CHECK_PROPERTY, deliverOutbox, OutboxView, SENT_ITEMS_PATH, SentItemsView, type OutboxItem, type SentItem } from "./SentItems.js";
import { ConsentTour } from "./ConsentTour.js";

type Folder = "compose" | "inbox" | "outbox" | "sent";
type Status = { intent: "info" | "success" | "warning" | "error"; text: string } | undefined;
type Notice = { key: string; message: string };

/** The add-in's InfoBar messages of the item (item.notificationMessages). */
const noticesOf = (sim: OfficeSim): Notice[] =>
  [...sim.notifications.entries()].map(([key, d]) => ({ key, message: typeof d.message === "string" ? d.message : "" }));

export interface PlaygroundProps {
  sim: OfficeSim;
  host: MailHost;
  api: ApiClient;
  lang: Lang;
  handlerReady: boolean;
}

/** The GGD consent request the father's demo reply answers (created once per browser session). */
const GGD_REQUEST = { studentId: "lln-001", partyId: "ggd", purposeId: "jgz-consult" };

async function ggdRequest(api: ApiClient, lang: Lang): Promise<{ subject: string; bodyText: string } | undefined> {
  const key = `zv-playground-ggd-request-${lang}`;
  try {
    const known = sessionStorage.getItem(key);
    if (known) {
      const r = await api.get<{ subject: string; bodyText: string }>(`/api/consent-requests/${encodeURIComponent(known)}`).catch(() => undefined);
      if (r && typeof r.subject === "string") return r;
    }
    const created = await api.post<{ requestId: string; subject: string; bodyText: string }>("/api/consent-requests", { ...GGD_REQUEST, lang });
    sessionStorage.setItem(key, created.requestId);
    return created;
  } catch {
    return undefined;
  }
}

export function Playground({ sim, host, api, lang, handlerReady }: PlaygroundProps) {
  const t = strings(lang);
  const tour = useMemo(() => tourExamples(lang), [lang]);
  const [mail, setMail] = useState<SimComposeMail>(() => sim.composeSnapshot());
  const [folder, setFolder] = useState<Folder>("compose");
  const [sending, setSending] = useState(false);
  const [status, setStatus] = useState<Status>(handlerReady ? undefined : { intent: "error", text: t.handlerMissing });
  const [alert, setAlert] = useState<SimCompletedOptions>();
  const [last, setLast] = useState<SimCompletedOptions>();
  const [pane, setPane] = useState<{ mode: Mode; key: number }>();
  const [outbox, setOutbox] = useState<OutboxItem[]>([]);
  const [sentItems, setSentItems] = useState<SentItem[]>();
  const [sentError, setSentError] = useState<string>();
  const [syncing, setSyncing] = useState(false);
  const [notices, setNotices] = useState<Notice[]>([]);
  const outboxKey = useRef(0);
  const [book, setBook] = useState<AddressEntry[]>([]);
  const [inbox, setInbox] = useState<InboxMessage[]>();
  const [selected, setSelected] = useState<string>();
  const sendRef = useRef<HTMLButtonElement>(null);
  const paneTitle = useRef<HTMLHeadingElement>(null);
  const focusPane = useRef(false);
  const session = useMemo(() => Math.random().toString(36).slice(2, 10), []);

  // The compose item lives in the simulation; the form mirrors it (the add-in may change it too).
  useEffect(
    () =>
      sim.subscribe((kind) => {
        if (kind === "compose") {
          setMail(sim.composeSnapshot());
          setNotices(noticesOf(sim));
        }
        if (kind === "newMessage") {
          const p = sim.newMessages[sim.newMessages.length - 1];
          if (!p) return;
          const addr = (l: unknown[] | undefined) =>
            (l ?? []).map((x) => (typeof x === "string" ? x : x && typeof x === "object" && "emailAddress" in x ? String(x.emailAddress) : "")).filter(Boolean);
          sim.compose({ to: addr(p.toRecipients), cc: addr(p.ccRecipients), subject: p.subject ?? "", body: htmlToText(p.htmlBody ?? "") });
          setFolder("compose");
          setStatus({ intent: "info", text: t.newMessageOpened });
        }
      }),
    [sim, t],
  );

  useEffect(() => {
    let live = true;
    Promise.all([api.get<{ students: StudentSummary[] }>("/api/students?limit=200"), api.get<{ parties: Party[] }>("/api/parties")])
      .then(([s, p]) => live && setBook(addressBook(s.students, p.parties, t)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, t]);

  useEffect(() => {
    if (folder !== "inbox" || inbox) return;
    let live = true;
    void ggdRequest(api, lang).then((req) => {
      if (live) setInbox(inboxMessages(lang, session, req));
    });
    return () => {
      live = false;
    };
  }, [folder, inbox, api, lang, session]);

  useEffect(() => {
    if (pane && focusPane.current) {
      focusPane.current = false;
      paneTitle.current?.focus();
    }
  }, [pane]);

  const openPane = (mode: Mode, contextData?: string) => {
    focusPane.current = true;
    if (pane && pane.mode === mode && mode === "check" && contextData !== undefined) {
      // Outlook passes new context data to the open pane.
      sim.setInitializationContext(contextData, true);
      paneTitle.current?.focus();
      return;
    }
    sim.closeTaskPane();
    sim.setInitializationContext(contextData, false);
    setPane((p) => ({ mode, key: (p?.key ?? 0) + 1 }));
  };

  const closePane = () => {
    sim.closeTaskPane();
    setPane(undefined);
    sendRef.current?.focus();
  };

  const deliver = useCallback(() => {
    const m = sim.composeSnapshot();
    // Outlook sends it (with the stamp the add-in set) on the next Send/Receive.
    outboxKey.current += 1;
    // A mail carries its check as an internet header, a meeting (no internet headers) as a custom property.
    const stamp = m.itemType === "appointment" ? sim.customProperties.get(CHECK_PROPERTY) : sim.internetHeaders.get("x-zorgvuldig-check");
    const item: OutboxItem = { key: outboxKey.current, mail: m, stamp };
    setOutbox((o) => [...o, item]);
    setStatus({ intent: "success", text: `${m.itemType === "appointment" ? t.meetingSent(m.subject) : t.sentOk(m.subject)}. ${t.inOutbox}` });
    sim.compose({});
    // The compose window closes, and its task pane with it.
    setPane((p) => {
      if (p?.mode === "check") {
        sim.closeTaskPane();
        return undefined;
      }
      return p;
    });
  }, [sim, t]);

  /** Send, as Outlook does it: run the OnMessageSend handler and follow event.completed. */
  const send = useCallback(async (): Promise<boolean> => {
    if (!handlerReady) {
      setStatus({ intent: "error", text: t.handlerMissing });
      return false;
    }
    const m = sim.composeSnapshot();
    if (m.to.length + m.cc.length + m.bcc.length === 0) {
      setStatus({ intent: "warning", text: t.noRecipients });
      return false;
    }
    sim.selectCompose();
    setSending(true);
    setStatus({ intent: "info", text: t.checking });
    try {
      const o = m.itemType === "appointment" ? await sim.launch("onAppointmentSendHandler", "olkAppointmentSend") : await sim.send();
      setLast(o);
      if (o.allowEvent) {
        deliver();
        return true;
      }
      setStatus(undefined);
      setAlert(o);
      return false;
    } catch {
      setStatus({ intent: "error", text: t.sendFailed });
      return false;
    } finally {
      setSending(false);
    }
  }, [deliver, handlerReady, sim, t]);

  // The task pane's "send" (item.sendAsync) goes through the same flow, so the handler runs again.
  useEffect(() => {
    sim.onSendAsync = send;
    return () => {
      sim.onSendAsync = undefined;
    };
  }, [sim, send]);

  const loadSentItems = useCallback(async () => {
    try {
      const r = await api.get<{ items: SentItem[] }>(`${SENT_ITEMS_PATH}?mailbox=${encodeURIComponent(USER_EMAIL)}`);
      setSentItems(r.items);
      setSentError(undefined);
    } catch {
      setSentError(t.noGraphSim);
    }
  }, [api, t]);

  useEffect(() => {
    if (folder === "sent") void loadSentItems();
  }, [folder, loadSentItems]);

  /** Send/Receive: the Outbox leaves; what left is in Sent Items, where the server confirms it. */
  const sendReceive = async () => {
    if (outbox.length === 0) return;
    setSyncing(true);
    try {
      await deliverOutbox(api, USER_EMAIL, outbox);
      const n = outbox.length;
      setOutbox([]);
      setStatus({ intent: "success", text: t.delivered(n) });
      await loadSentItems();
    } catch {
      setStatus({ intent: "error", text: t.deliverFailed });
    } finally {
      setSyncing(false);
    }
  };

  /** Outlook's compose events: a recipient or attachment change runs the add-in's early check (InfoBar). */
  const changeCompose = (patch: Partial<SimComposeMail>) => {
    sim.updateCompose(patch);
    const event =
      patch.to || patch.cc || patch.bcc
        ? (["onRecipientsChangedHandler", "olkRecipientsChanged"] as const)
        : patch.attachments
          ? (["onAttachmentsChangedHandler", "olkAttachmentsChanged"] as const)
          : undefined;
    if (event && sim.associated.has(event[0])) void sim.launch(event[0], event[1], 30_000).catch(() => undefined);
  };

  const fill = (ex: TourExample) => {
    sim.compose(ex.mail);
    setFolder("compose");
    setStatus(undefined);
    sendRef.current?.focus();
  };

  const recordConsent = (m: InboxMessage) => {
    sim.read({ internetMessageId: m.internetMessageId, from: m.from, to: [{ emailAddress: sim.office.context.mailbox.userProfile.emailAddress, displayName: "" }], subject: m.subject, body: m.body, dateTimeCreated: m.date });
    focusPane.current = true;
    sim.closeTaskPane();
    setPane((p) => ({ mode: "record", key: (p?.key ?? 0) + 1 }));
  };

  const expectText = (e: TourExample["expected"]) => (e === "allow" ? t.expectAllow : e === "warn" ? t.expectWarn : t.expectBlock);
  const folders: [Folder, string, number | undefined][] = [
    ["compose", t.newMessage, undefined],
    ["inbox", t.inbox, inbox?.length],
    ["outbox", t.outbox, outbox.length || undefined],
    ["sent", t.sent, sentItems?.length || undefined],
  ];

  return (
    <FluentProvider theme={THEMES.light} style={themeStyle("light")} lang={lang}>
      <div className="pg-root">
      <header className="pg-header">
        <h1 className="pg-title">{t.title}</h1>
        <Badge appearance="filled" color="warning" size="large" data-testid="sim-badge">
          {t.simBadge}
        </Badge>
        <span className="pg-spacer" />
        <Button onClick={() => void sendReceive()} disabled={syncing || outbox.length === 0} data-testid="send-receive">
          {t.sendReceive}
          {outbox.length ? ` (${outbox.length})` : ""}
        </Button>
        <Link href={t.otherLangHref} lang={lang === "en" ? "nl" : "en"}>
          {t.otherLang}
        </Link>
      </header>
      <p className="pg-simnote">{t.simNote}</p>
      <div className="pg-layout">
        <nav className="pg-nav" aria-label={t.nav}>
          <ul>
            {folders.map(([f, label, count]) => (
              <li key={f}>
                <Button
                  appearance={folder === f ? "primary" : "subtle"}
                  aria-current={folder === f ? "page" : undefined}
                  onClick={() => {
                    setFolder(f);
                    if (f === "compose") sim.selectCompose();
                  }}
                  data-testid={`folder-${f}`}
                >
                  {label}
                  {count !== undefined ? ` (${count})` : ""}
                </Button>
              </li>
            ))}
          </ul>
        </nav>
        <main className="pg-main">
          <div role="status" aria-live="polite" className="pg-status" data-testid="status">
            {status && (
              <MessageBar intent={status.intent}>
                <MessageBarBody>{status.text}</MessageBarBody>
              </MessageBar>
            )}
          </div>
          {folder === "compose" && (
            <>
              <ConsentTour t={t} onFill={() => {
                const ggd = tour.find((x) => x.id === "ggd");
                if (ggd) fill(ggd);
              }} />
              <section className="pg-tour" aria-labelledby="pg-tour-title">
                <h2 id="pg-tour-title" className="pg-h2">
                  {t.tourTitle}
                </h2>
                <Text>{t.tourIntro}</Text>
                <ul className="pg-tour-list">
                  {tour.map((ex) => (
                    <li key={ex.id}>
                      <Card className="pg-tour-card">
                        <Button appearance="secondary" onClick={() => fill(ex)} data-testid={`tour-${ex.id}`}>
                          {ex.title}
                        </Button>
                        <Text size={200}>{ex.description}</Text>
                        <Text size={200}>
                          {t.expect}: <strong>{expectText(ex.expected)}</strong> <span className="pg-code">({ex.code})</span>
                        </Text>
                      </Card>
                    </li>
                  ))}
                </ul>
              </section>
              <Compose
                mail={mail}
                book={book}
                t={t}
                busy={sending}
                sendRef={sendRef}
                notices={notices}
                onChange={changeCompose}
                onSend={() => void send()}
                onDiscard={() => {
                  sim.compose({});
                  setStatus(undefined);
                }}
              />
              {!pane && (
                <Button appearance="subtle" onClick={() => openPane("check")}>
                  {t.openPane}
                </Button>
              )}
            </>
          )}
          {folder === "inbox" && (
            <Inbox messages={inbox} selectedId={selected} lang={lang} t={t} onSelect={setSelected} onRecordConsent={recordConsent} />
          )}
          {folder === "outbox" && <OutboxView outbox={outbox} busy={syncing} onSendReceive={() => void sendReceive()} t={t} />}
          {folder === "sent" && <SentItemsView items={sentItems} error={sentError} api={api} lang={lang} t={t} />}
          <details className="pg-details">
            <summary>{t.details}</summary>
            <pre data-testid="completed-json">{last ? JSON.stringify(last, null, 2) : t.noDetails}</pre>
          </details>
        </main>
        {pane && <TaskPane key={pane.key} ref={paneTitle} host={host} mode={pane.mode} t={t} onClose={closePane} />}
      </div>
      </div>
      {alert && (
      <SmartAlert
        options={alert}
        t={t}
        onTakeAction={(ctx) => {
          setAlert(undefined);
          setStatus({ intent: "warning", text: t.notSent });
          sim.selectCompose();
          openPane("check", ctx);
        }}
        onSendAnyway={() => {
          setAlert(undefined);
          deliver();
          sendRef.current?.focus();
        }}
        onDontSend={() => {
          setAlert(undefined);
          setStatus({ intent: "warning", text: t.notSent });
          window.setTimeout(() => sendRef.current?.focus(), 0);
        }}
      />
      )}
    </FluentProvider>
  );
}
