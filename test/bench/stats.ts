// Median and p95 of repeated measurements, shared by the benchmarks.

export interface Stats {
  median: number;
  p95: number;
  min: number;
  max: number;
  n: number;
  samples: number[];
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  // Nearest rank: with few samples the p95 is the slowest run, as it should be.
  const p95 = s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
  const r = (x: number) => +x.toFixed(2);
  return { median: r(median), p95: r(p95), min: r(s[0]), max: r(s[s.length - 1]), n: s.length, samples: samples.map(r) };
}

/** Milliseconds since `start` (from process.hrtime.bigint()). */
export function since(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
