/** Percentile by nearest rank of an unsorted sample; NaN for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Summary {
  count: number;
  median: number;
  p95: number;
  p99: number;
  mean: number;
}

export function summarize(values: readonly number[]): Summary {
  const mean = values.reduce((sum, v) => sum + v, 0) / (values.length || 1);
  return {
    count: values.length,
    median: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    mean: round(mean),
  };
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
