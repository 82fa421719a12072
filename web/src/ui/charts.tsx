// Plain SVG charts (no chart library): a line chart of counts over time and an interval chart
// of lifts with their confidence intervals. Each has a text alternative.
import { niceMax, ticks } from '../model/scale.js';

const COLORS = ['#3867d6', '#eb8a2f', '#20bf6b', '#a55eea', '#eb3b5a', '#0fb9b1', '#4b6584'];

/** The colour of the i-th series. */
export const seriesColor = (i: number) => COLORS[i % COLORS.length]!;

/** One line of a line chart. */
export interface Series {
  readonly name: string;
  readonly points: readonly { readonly t: Date; readonly y: number }[];
}

/** Counts over time, one line per series. */
export function LineChart({ series, title }: { series: readonly Series[]; title: string }) {
  const width = 720;
  const height = 240;
  const pad = { l: 48, r: 12, t: 12, b: 28 };
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return null;
  const t0 = Math.min(...all.map((p) => p.t.getTime()));
  const t1 = Math.max(...all.map((p) => p.t.getTime()));
  const yMax = niceMax(Math.max(...all.map((p) => p.y)));
  const x = (t: number) => pad.l + ((t - t0) / Math.max(1, t1 - t0)) * (width - pad.l - pad.r);
  const y = (v: number) => height - pad.b - (v / yMax) * (height - pad.t - pad.b);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
        {ticks(yMax).map((v) => (
          <g key={v}>
            <line x1={pad.l} x2={width - pad.r} y1={y(v)} y2={y(v)} className="grid" />
            <text x={pad.l - 6} y={y(v) + 4} textAnchor="end" className="axis">
              {v}
            </text>
          </g>
        ))}
        <text x={pad.l} y={height - 8} className="axis">
          {new Date(t0).toLocaleString()}
        </text>
        <text x={width - pad.r} y={height - 8} textAnchor="end" className="axis">
          {new Date(t1).toLocaleString()}
        </text>
        {series.map((s, i) => (
          <g key={s.name}>
            <polyline
              fill="none"
              stroke={seriesColor(i)}
              strokeWidth={2}
              points={s.points.map((p) => `${x(p.t.getTime())},${y(p.y)}`).join(' ')}
            />
            {s.points.map((p) => (
              <circle
                key={p.t.getTime()}
                cx={x(p.t.getTime())}
                cy={y(p.y)}
                r={3}
                fill={seriesColor(i)}
              />
            ))}
          </g>
        ))}
      </svg>
      <figcaption className="legend">
        {series.map((s, i) => (
          <span key={s.name}>
            <span className="swatch" style={{ background: seriesColor(i) }} /> {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** One row of an interval chart. */
export interface Interval {
  readonly name: string;
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  readonly highlight?: boolean;
}

/** Relative lifts with their intervals, around a zero line (the baseline). */
export function IntervalChart({ rows, title }: { rows: readonly Interval[]; title: string }) {
  const width = 720;
  const rowH = 36;
  const pad = { l: 160, r: 24, t: 24, b: 8 };
  const height = pad.t + pad.b + rows.length * rowH;
  const extent = niceMax(
    Math.max(0.01, ...rows.flatMap((r) => [Math.abs(r.lower), Math.abs(r.upper)])),
  );
  const x = (v: number) => pad.l + ((v + extent) / (2 * extent)) * (width - pad.l - pad.r);
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
        <line x1={x(0)} x2={x(0)} y1={pad.t - 8} y2={height - pad.b} className="zero" />
        <text x={x(-extent)} y={14} className="axis">
          {pct(-extent)}
        </text>
        <text x={x(0)} y={14} textAnchor="middle" className="axis">
          0 (baseline)
        </text>
        <text x={x(extent)} y={14} textAnchor="end" className="axis">
          +{pct(extent)}
        </text>
        {rows.map((r, i) => {
          const cy = pad.t + i * rowH + rowH / 2;
          const color = r.upper < 0 ? '#eb3b5a' : r.lower > 0 ? '#20bf6b' : '#4b6584';
          return (
            <g key={r.name}>
              <text
                x={pad.l - 8}
                y={cy + 4}
                textAnchor="end"
                className={r.highlight ? 'axis strong' : 'axis'}
              >
                {r.name}
              </text>
              <line
                x1={x(r.lower)}
                x2={x(r.upper)}
                y1={cy}
                y2={cy}
                stroke={color}
                strokeWidth={8}
                strokeLinecap="round"
                opacity={0.5}
              />
              <circle cx={x(r.value)} cy={cy} r={6} fill={color} />
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">
        Dot: observed lift over the baseline; bar: its confidence interval.
      </figcaption>
    </figure>
  );
}
