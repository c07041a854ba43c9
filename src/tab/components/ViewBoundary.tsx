import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { Component, createElement, lazy, type Attributes, type ComponentType, type FunctionComponent, type ErrorInfo, type ReactNode } from "react";
import { useI18n } from "../i18n.js";

/**
 * A view loaded as a chunk of its own (scripts/build.ts splits the tab) that can be loaded again: React's
 * lazy() keeps a failed import for good, so `retry` makes a new lazy() and with it a new import() of the
 * chunk (the browser fetches it again). A view that loaded is never fetched again.
 */
export type RetryableView<P> = ComponentType<P> & { retry(): void };

export function lazyView<P extends object>(load: () => Promise<(props: P) => JSX.Element>): RetryableView<P> {
  let failed = false;
  const make = () =>
    lazy(() =>
      load().then(
        (c) => ({ default: c }),
        (err: unknown) => {
          failed = true;
          throw err;
        },
      ),
    );
  let Lazy = make();
  // lazy()'s element type is not generic over P: the component it loads is (props: P) => JSX.Element.
  const View = (props: P): JSX.Element => createElement(Lazy as unknown as FunctionComponent<P>, props as Attributes & P);
  View.retry = (): void => {
    if (!failed) return;
    failed = false;
    Lazy = make();
  };
  return View;
}

/** The message of a view that could not be loaded: what happened and a button that tries again; the rest of the tab stays. */
function ViewFailed({ onRetry }: { onRetry: () => void }): JSX.Element {
  const { t } = useI18n();
  return (
    <MessageBar intent="error" role="alert" layout="multiline" data-testid="view-failed">
      <MessageBarBody>
        <MessageBarTitle>{t("viewFailedTitle")}</MessageBarTitle>
        {t("viewFailedText")}
      </MessageBarBody>
      <MessageBarActions>
        <Button onClick={onRetry} data-testid="view-retry">
          {t("retry")}
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}

/**
 * One view's error boundary (App.tsx keys it by the view, so another view starts clean): a chunk that
 * failed to load, or a view that failed to render, shows ViewFailed in its place; the header and the
 * navigation stay usable. "Opnieuw proberen" asks `onRetry` to load the failed chunks again (a new
 * import(), no page reload) and renders the view anew. Only the view's name and the error's name are
 * logged: no message, no URL, nothing about a student.
 */
export class ViewBoundary extends Component<{ view: string; onRetry: () => void; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, _info: ErrorInfo): void {
    console.warn(`Zorgvuldig: the view "${this.props.view}" could not be shown (${error instanceof Error ? error.name : typeof error})`);
  }

  private readonly retry = (): void => {
    this.props.onRetry();
    this.setState({ failed: false });
  };

  override render(): ReactNode {
    return this.state.failed ? <ViewFailed onRetry={this.retry} /> : this.props.children;
  }
}
