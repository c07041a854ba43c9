import { Link, Select, Title2, Title3, type SelectProps } from "@fluentui/react-components";
import type { FormEvent, ReactNode } from "react";
import { useApp, type Route } from "../context.js";

/**
 * A section named by its heading: a view's h1 (`level` 1) or a part's h2 (`level` 2). The heading carries
 * `id`, which the section's aria-labelledby (and the tests) use.
 */
export function TitledSection(props: { id: string; title: ReactNode; level?: 1 | 2; className?: string; children: ReactNode }): JSX.Element {
  const { id, title, level = 1 } = props;
  return (
    <section aria-labelledby={id} className={props.className}>
      {level === 1 ? (
        <Title2 as="h1" block id={id}>
          {title}
        </Title2>
      ) : (
        <Title3 as="h2" block id={id}>
          {title}
        </Title3>
      )}
      {props.children}
    </section>
  );
}

/** A link to another view of the tab: a real href (open in a new tab works) and in-app navigation on click. */
export function RouteLink(props: { to: Route; children: ReactNode; className?: string; "aria-label"?: string; "aria-current"?: "true"; "data-testid"?: string }): JSX.Element {
  const { href, navigate } = useApp();
  const { to, ...link } = props;
  return (
    <Link
      {...link}
      href={href(to)}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    />
  );
}

/**
 * A Select over a fixed list of values, each shown by `label`, led by an "all" choice (value "") when
 * `allLabel` is given. Every other prop (value, onChange, data-testid) goes to the Select.
 */
export function OptionSelect<T extends string>(props: Omit<SelectProps, "children"> & { options: readonly T[]; label(option: T): ReactNode; allLabel?: ReactNode }): JSX.Element {
  const { options, label, allLabel, ...select } = props;
  return (
    <Select {...select}>
      {allLabel !== undefined ? <option value="">{allLabel}</option> : null}
      {options.map((o) => (
        <option key={o} value={o}>
          {label(o)}
        </option>
      ))}
    </Select>
  );
}

/**
 * An edit form named by its h3 heading (`id` is the heading's id); the browser's own validation is off
 * (noValidate: the form shows its and the server's messages). Other props (id, data-testid) go to the form.
 */
export function TitledForm(props: { titleId: string; title: ReactNode; className?: string; onSubmit(e: FormEvent): void; id?: string; "data-testid"?: string; children: ReactNode }): JSX.Element {
  const { titleId, title, onSubmit, children, ...form } = props;
  return (
    <form {...form} onSubmit={onSubmit} noValidate aria-labelledby={titleId}>
      <Title3 as="h3" block id={titleId}>
        {title}
      </Title3>
      {children}
    </form>
  );
}
