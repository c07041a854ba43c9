/** The student page's styles. */
import { makeStyles, tokens } from "@fluentui/react-components";

export const useStyles = makeStyles({
  head: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalM, alignItems: "center", justifyContent: "space-between" },
  links: { display: "flex", gap: tokens.spacingHorizontalL },
  columns: { display: "grid", gridTemplateColumns: "minmax(0, 3fr) minmax(280px, 2fr)", gap: tokens.spacingHorizontalXXL, "@media (max-width: 900px)": { gridTemplateColumns: "1fr" } },
  timeline: { listStyleType: "none", paddingLeft: 0, margin: 0, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  event: {
    borderLeft: `4px solid ${tokens.colorNeutralStroke1}`,
    paddingLeft: tokens.spacingHorizontalM,
    paddingTop: tokens.spacingVerticalXS,
    paddingBottom: tokens.spacingVerticalXS,
  },
  evConsent: { borderLeftColor: tokens.colorPaletteGreenBorder2 },
  evRefusal: { borderLeftColor: tokens.colorPaletteRedBorder2 },
  evWithdrawal: { borderLeftColor: tokens.colorPaletteDarkOrangeBorder2 },
  evOther: { borderLeftColor: tokens.colorBrandStroke1 },
  dl: { display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: tokens.spacingHorizontalM, rowGap: "2px", margin: `${tokens.spacingVerticalXS} 0` },
  dt: { color: tokens.colorNeutralForeground2 },
  dd: { margin: 0, overflowWrap: "anywhere" },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, marginBottom: tokens.spacingVerticalXL },
  table: { borderCollapse: "collapse", width: "100%", "& th, & td": { textAlign: "left", padding: "4px 8px", borderBottom: `1px solid ${tokens.colorNeutralStroke2}`, verticalAlign: "top" } },
});
