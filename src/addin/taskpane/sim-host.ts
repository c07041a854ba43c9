/**
 * A simulated Outlook for the task pane: used when the page finds `window.__ZV_SIM_HOST__` (browser tests,
 * the playground). It holds one message in memory and records every action in `window.__ZV_SIM_LOG__`.
 */
import { devTokenProvider, type TokenProvider } from "../../shared/api.js";
import { PURPOSE_KEY, parsePurposeMark, type ComposeMessage, type Lang, type MailHost, type NewMessage, type OverrideMark, type ReadMessage, type ThemeKind } from "./host.js";

export interface SimHostConfig {
  apiBaseUrl?: string;
  /** Signed-in user for the development token. */
  user?: string;
  roles?: string[];
  language?: Lang;
  theme?: ThemeKind;
  initializationContext?: string;
  read?: ReadMessage;
  compose?: ComposeMessage;
  canSend?: boolean;
}

export type SimAction =
  | { type: "removeRecipient"; address: string }
  | { type: "setRecipients"; to: string[] }
  | { type: "setSubject"; subject: string }
  | { type: "setBodyHtml"; html: string }
  | { type: "displayNewMessage"; message: NewMessage }
  | { type: "markOverride"; mark: OverrideMark }
  | { type: "setPurpose"; sessionData: { key: string; value: string | undefined } }
  | { type: "send" };

declare global {
  interface Window {
    __ZV_SIM_HOST__?: SimHostConfig;
    __ZV_SIM_LOG__?: SimAction[];
  }
}

const EMPTY_COMPOSE: ComposeMessage = { to: [], cc: [], bcc: [], subject: "", bodyText: "", attachments: [] };

export class SimHost implements MailHost {
  readonly kind = "sim" as const;
  readonly log: SimAction[];
  private composeState: ComposeMessage;
  private contextListeners: ((d: string) => void)[] = [];
  /** The item's session data (what the on-send handler would read). */
  readonly sessionData = new Map<string, string>();
  getToken: TokenProvider;

  constructor(private readonly cfg: SimHostConfig, log?: SimAction[]) {
    this.log = log ?? [];
    this.composeState = structuredClone(cfg.compose ?? EMPTY_COMPOSE);
    this.getToken = devTokenProvider(this.apiBaseUrl(), cfg.user ?? "ib@demo", cfg.roles ?? ["coordinator"]);
  }

  apiBaseUrl(): string {
    return (this.cfg.apiBaseUrl ?? (typeof window !== "undefined" ? window.location.origin : "")).replace(/\/+$/, "");
  }
  language(): Lang {
    return this.cfg.language ?? "nl";
  }
  theme(): ThemeKind {
    return this.cfg.theme ?? "light";
  }
  userEmail(): string {
    return this.cfg.user ?? "ib@demo";
  }
  async initializationContext(): Promise<string | undefined> {
    return this.cfg.initializationContext;
  }
  onInitializationContext(cb: (data: string) => void): void {
    this.contextListeners.push(cb);
  }
  /** Simulates Outlook passing new context data to the open pane. */
  pushContext(data: string): void {
    for (const l of this.contextListeners) l(data);
  }
  async readMessage(): Promise<ReadMessage> {
    if (!this.cfg.read) throw new Error("The simulated item is not a received message");
    return this.cfg.read;
  }
  async readCompose(): Promise<ComposeMessage> {
    return structuredClone(this.composeState);
  }
  async removeRecipient(address: string): Promise<void> {
    const lc = address.toLowerCase();
    const keep = (l: string[]) => l.filter((a) => a.toLowerCase() !== lc);
    this.composeState = { ...this.composeState, to: keep(this.composeState.to), cc: keep(this.composeState.cc), bcc: keep(this.composeState.bcc) };
    this.log.push({ type: "removeRecipient", address });
  }
  async setRecipients(to: string[]): Promise<void> {
    this.composeState = { ...this.composeState, to: [...to] };
    this.log.push({ type: "setRecipients", to: [...to] });
  }
  async setSubject(subject: string): Promise<void> {
    this.composeState = { ...this.composeState, subject };
    this.log.push({ type: "setSubject", subject });
  }
  async setBodyHtml(html: string): Promise<void> {
    this.composeState = { ...this.composeState, bodyText: html.replace(/<[^>]+>/g, " ") };
    this.log.push({ type: "setBodyHtml", html });
  }
  displayNewMessage(message: NewMessage): void {
    this.log.push({ type: "displayNewMessage", message });
  }
  async markOverride(mark: OverrideMark): Promise<void> {
    this.log.push({ type: "markOverride", mark });
  }
  async readPurpose(): Promise<string | undefined> {
    return parsePurposeMark(this.sessionData.get(PURPOSE_KEY));
  }
  async setPurpose(purposeId: string | undefined): Promise<void> {
    const value = purposeId ? JSON.stringify({ purposeId }) : undefined;
    if (value) this.sessionData.set(PURPOSE_KEY, value);
    else this.sessionData.delete(PURPOSE_KEY);
    this.log.push({ type: "setPurpose", sessionData: { key: PURPOSE_KEY, value } });
  }
  canSend(): boolean {
    return this.cfg.canSend ?? true;
  }
  async send(): Promise<void> {
    this.log.push({ type: "send" });
  }
}

/** The simulated host the page was asked for, with its log exposed on window. */
export function simHostFromWindow(): SimHost | undefined {
  if (typeof window === "undefined" || !window.__ZV_SIM_HOST__) return undefined;
  window.__ZV_SIM_LOG__ = window.__ZV_SIM_LOG__ ?? [];
  return new SimHost(window.__ZV_SIM_HOST__, window.__ZV_SIM_LOG__);
}
