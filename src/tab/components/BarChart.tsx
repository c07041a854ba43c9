/**
 * A small horizontal bar chart in inline SVG. Accessible: the SVG is an image with a title and a text
 * description, and the numbers are also in a table (shown on request and when printed).
 */
import { tokens } from "@fluentui/react-components";
import { useId } from "react";
import { useI18n } from "../i18n.js";

export interface Bar {
  label: string;
  value: number;
}

export function BarChart({ title, bars, unit }: { title: string; bars: Bar[]; unit?: string }): JSX.Element {
  const { t } = useI18n();
  const id = useId();
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowH = 28;
  const labelW = 130;
  const width = 380;
  const barArea = width - labelW - 50;
  const height = bars.length * rowH + 8;
  const summary = bars.map((b) => t("ovChartAlt", { label: b.label, count: `${b.value}${unit ? ` ${unit}` : ""}` })).join("; ");
  return (
    <figure className="zv-chart" style={{ margin: 0 }}>
      <svg
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        style={{ maxWidth: width, display: "block" }}
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{summary}</desc>
        {bars.map((b, i) => {
          const w = Math.max(2, (b.value / max) * barArea);
          const y = i * rowH + 4;
          return (
            <g key={`${b.label}-${i}`}>
              <text x={labelW - 8} y={y + rowH / 2} textAnchor="end" dominantBaseline="middle" fontSize="13" fill={tokens.colorNeutralForeground1}>
                {b.label.length > 18 ? `${b.label.slice(0, 17)}…` : b.label}
              </text>
              <rect x={labelW} y={y + 3} width={w} height={rowH - 10} rx="3" fill={tokens.colorBrandBackground} />
              <text x={labelW + w + 6} y={y + rowH / 2} dominantBaseline="middle" fontSize="13" fill={tokens.colorNeutralForeground1}>
                {b.value}
              </text>
            </g>
          );
        })}
      </svg>
      <details className="zv-chart-data">
        <summary>{t("ovTableCaption")}</summary>
        <table>
          <caption className="zv-visually-hidden">{title}</caption>
          <tbody>
            {bars.map((b, i) => (
              <tr key={`${b.label}-${i}`}>
                <th scope="row">{b.label}</th>
                <td>{b.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
