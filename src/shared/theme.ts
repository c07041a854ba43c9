/**
 * The Fluent UI themes of every front end, as Microsoft Teams has them: Teams light (purple brand),
 * Teams dark and Teams high contrast. One map, so the tab, the task pane and the playground never
 * disagree on which theme "light" is.
 */
import { teamsDarkTheme, teamsHighContrastTheme, teamsLightTheme, type Theme } from "@fluentui/react-components";
import type { CSSProperties } from "react";

export type ThemeKind = "light" | "dark" | "contrast";

export const THEMES: Record<ThemeKind, Theme> = { light: teamsLightTheme, dark: teamsDarkTheme, contrast: teamsHighContrastTheme };

/**
 * The CSS `color-scheme` of a theme: native controls (date pickers, scrollbars) draw themselves light
 * or dark by it. High contrast is white on black, so dark.
 */
export function colorSchemeOf(kind: ThemeKind): "light" | "dark" {
  return kind === "light" ? "light" : "dark";
}

/** Style for the FluentProvider's element: `color-scheme` is inherited by every native input inside. */
export function themeStyle(kind: ThemeKind): CSSProperties {
  return { colorScheme: colorSchemeOf(kind) };
}
