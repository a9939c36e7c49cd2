import { percentile } from './stats.js';

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** A logarithmic y axis, for latencies that span decades. */
  logY?: boolean;
}

const width = 760;
const height = 420;
const margin = { top: 40, right: 190, bottom: 50, left: 70 };
const colours = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const label = (value: number) =>
  Math.abs(value) >= 1_000 ? `${Math.round(value / 100) / 10}k` : String(Math.round(value * 100) / 100);

/** Round tick values covering [low, high]: 1, 2 or 5 times a power of ten apart. */
function ticks(low: number, high: number, count = 6): number[] {
  const span = high - low || 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step / 1e6; v += step) out.push(v);
  return out;
}

/**
 * A line chart as a standalone SVG document: no library and no script, so it renders on GitHub and
 * in any browser, and diffs as text next to the JSON it was drawn from.
 */
export function lineChart(chart: LineChart): string {
  const all = chart.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]).filter((y) => !chart.logY || y > 0);
  const xMin = Math.min(0, ...xs);
  const xMax = Math.max(1, ...xs);
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const x = (v: number) => margin.left + ((v - xMin) / (xMax - xMin || 1)) * plotW;

  let y: (v: number) => number;
  let yTicks: number[];
  if (chart.logY) {
    const lo = Math.floor(Math.log10(Math.max(1e-3, Math.min(...ys))));
    const hi = Math.ceil(Math.log10(Math.max(...ys, 10 ** (lo + 1))));
    y = (v) => margin.top + plotH - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo || 1)) * plotH;
    yTicks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  } else {
    const yMax = Math.max(1, ...ys) * 1.05;
    y = (v) => margin.top + plotH - (v / yMax) * plotH;
    yTicks = ticks(0, yMax);
  }

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2 - margin.right / 2}" y="22" text-anchor="middle" font-size="15">${xmlText(chart.title)}</text>`,
  ];
  for (const t of yTicks) {
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e5e5"/>`,
      `<text x="${margin.left - 6}" y="${y(t) + 4}" text-anchor="end">${label(t)}</text>`,
    );
  }
  for (const t of ticks(xMin, xMax)) {
    parts.push(`<text x="${x(t)}" y="${margin.top + plotH + 18}" text-anchor="middle">${label(t)}</text>`);
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 10}" text-anchor="middle">${xmlText(chart.xLabel)}</text>`,
    `<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${xmlText(chart.yLabel)}</text>`,
  );
  chart.series.forEach((series, i) => {
    const colour = colours[i % colours.length];
    const path = series.points
      .filter((p) => !chart.logY || p[1] > 0)
      .map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`)
      .join(' ');
    const legendY = margin.top + 10 + i * 20;
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${path}"/>`,
      `<line x1="${width - margin.right + 14}" x2="${width - margin.right + 34}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="3"/>`,
      `<text x="${width - margin.right + 40}" y="${legendY + 4}">${xmlText(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** The distribution of `values` as (percentile, value) points, for a latency curve. */
export function percentileCurve(values: readonly number[]): [number, number][] {
  if (values.length === 0) return [];
  return [1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100].map((p) => [p, percentile(values, p)]);
}
