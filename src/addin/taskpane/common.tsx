import { createContext, useContext, type ReactNode } from "react";
import { MessageBar, MessageBarBody, MessageBarTitle, Spinner, Title3 } from "@fluentui/react-components";
import { ApiError } from "../../shared/api.js";
import type { MailHost } from "./host.js";
import type { Strings } from "./i18n.js";
import type { ApiClient } from "../../shared/api.js";

export interface Ctx {
  host: MailHost;
  api: ApiClient;
  t: Strings;
}
export const AppContext = createContext<Ctx | undefined>(undefined);
export function useApp(): Ctx {
  const c = useContext(AppContext);
  if (!c) throw new Error("AppContext missing");
  return c;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Runs `work` with `setBusy(true)` meanwhile, the last error cleared first; a failure's text goes to `setError`. */
export async function attempt(setBusy: (busy: boolean) => void, setError: (text: string | undefined) => void, work: () => Promise<void>): Promise<void> {
  setBusy(true);
  setError(undefined);
  try {
    await work();
  } catch (e) {
    setError(errorText(e));
  } finally {
    setBusy(false);
  }
}

export function Busy({ label }: { label: string }) {
  return <Spinner size="small" label={label} />;
}

export function Problem({ title, children }: { title: string; children: ReactNode }) {
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {children}
      </MessageBarBody>
    </MessageBar>
  );
}

export function Success({ children }: { children: ReactNode }) {
  return (
    <MessageBar intent="success" role="status">
      <MessageBarBody>{children}</MessageBarBody>
    </MessageBar>
  );
}

/** The options of a purpose select: an empty first option with `empty` as its text, then every purpose. */
/** A Select's options by id, each shown by `label`, led by the empty choice (value ""). */
export function IdOptions<T extends { id: string }>({ items, empty, label }: { items: readonly T[]; empty: string; label(item: T): string }) {
  return (
    <>
      <option value="">{empty}</option>
      {items.map((p) => (
        <option key={p.id} value={p.id}>
          {label(p)}
        </option>
      ))}
    </>
  );
}

export function PurposeOptions({ purposes, empty }: { purposes: readonly { id: string; label: string }[]; empty: string }) {
  return <IdOptions items={purposes} empty={empty} label={(p) => p.label} />;
}

/** A titled part of the task pane: a view's h1 or (`level` 2) a part's smaller h2; the heading's `id` names the section. */
export function PaneSection(props: { id: string; title: string; level?: 1 | 2; className?: string; children: ReactNode }) {
  const { id, level = 1 } = props;
  return (
    <section aria-labelledby={id} className={props.className}>
      <Title3 as={level === 1 ? "h1" : "h2"} id={id} style={level === 1 ? undefined : { fontSize: "16px" }}>
        {props.title}
      </Title3>
      {props.children}
    </section>
  );
}
