/**
 * Soak (issue 9): the whole stack at a steady 50 % of its drain capacity for 30 minutes, the writes
 * followed over 2,000 WebSocket connections (subscribers). Every 30 s it samples each process's
 * resident memory and PostgreSQL's connection count; at the end it reports them at start, middle
 * and end, and time to queryable per 5-minute window, to show nothing grows.
 *
 *   npx tsx --conditions=@gx/source bench/soak.ts [--minutes 30] [--subscribers 2000] [--rate <writes/s>]
 *     [--timeout <devnet batch timeout, ms; default 20>]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { numberOption } from './lib/options.js';
import { drainCapacity, offer, startPipeline } from './lib/pipelineBench.js';
import { processRssMiB } from './lib/processMemory.js';
import { type Figure, report } from './lib/report.js';
import { round, summarize } from './lib/stats.js';
import { lineChart } from './lib/svgChart.js';

const minutes = numberOption('minutes', 30);
const subscribers = numberOption('subscribers', 2_000);
const batchTimeoutMs = numberOption('timeout', 20);
const sampleEverySeconds = 30;
const windowMinutes = Math.max(1, Math.round(minutes / 6));

const pipeline = await startPipeline(batchTimeoutMs, 'ours', 300, {
  WS_MAX_CONNECTIONS_PER_USER: String(subscribers + 100),
});
interface Sample {
  second: number;
  rssMiB: Record<string, number>;
  postgresConnections: number;
}
const samples: Sample[] = [];
try {
  const rate = numberOption('rate', 0) || round((await drainCapacity(pipeline, 3_000, {})).rate / 2, 1);
  const processes = ['api', 'submitter', 'projector', 'devnet'].map((name) => pipeline.stack.service(name));
  const sample = async (second: number) => {
    const [row] = await pipeline.sql<{ connections: number }[]>`
      select count(*)::int as connections from pg_stat_activity where backend_type = 'client backend'`;
    samples.push({
      second,
      rssMiB: Object.fromEntries(processes.map((p) => [p.name, round(processRssMiB(p.child.pid!), 1)])),
      postgresConnections: row!.connections,
    });
  };
  await sample(0);
  const run = await offer(pipeline, rate, minutes * 60, {
    sockets: subscribers,
    everySecond: (second) => (second % sampleEverySeconds === 0 ? sample(second) : undefined),
  });

  await sample(minutes * 60);
  const windows = Array.from({ length: Math.ceil(minutes / windowMinutes) }, (_, w) => {
    const from = run.traces[0]!.dueAt + w * windowMinutes * 60_000;
    const inWindow = run.traces.filter(
      (t) => t.terminal === 'PROJECTED' && t.dueAt >= from && t.dueAt < from + windowMinutes * 60_000,
    );
    return {
      window: `${w * windowMinutes}–${(w + 1) * windowMinutes} min`,
      ...summarize(inWindow.map((t) => t.terminalAt! - t.dueAt)),
    };
  });
  const middle = samples[Math.floor(samples.length / 2)]!;
  const at = (s: Sample) => `${s.second} s`;
  const load = `${rate}/s writes (${numberOption('rate', 0) ? 'set by --rate' : '50 % of drain capacity'}) for ${minutes} min, followed over ${subscribers} sockets; whole stack, batch timeout ${batchTimeoutMs} ms`;
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const figures: Figure[] = [
    ...processes.map((p) => ({
      figure: `${p.name} RSS MiB at start / middle / end`,
      value: `${first.rssMiB[p.name]} / ${middle.rssMiB[p.name]} / ${last.rssMiB[p.name]} (${at(first)}, ${at(middle)}, ${at(last)})`,
      target: 'flat',
      load,
    })),
    {
      figure: 'PostgreSQL client connections at start / middle / end',
      value: `${first.postgresConnections} / ${middle.postgresConnections} / ${last.postgresConnections}`,
      target: 'stable',
      load,
    },
    {
      figure: `time to queryable p99 per ${windowMinutes}-minute window, ms`,
      value: windows.map((w) => `${w.p99}`).join(' → '),
      target: 'no growth',
      load,
    },
    {
      figure: 'commands accepted / terminal / failed',
      value: `${run.traces.filter((t) => t.acceptedAt !== undefined).length} / ${run.traces.filter((t) => t.terminal !== undefined).length} / ${run.failed}${run.firstError ? ` (${run.firstError.slice(0, 80)})` : ''}`,
      load,
    },
  ];
  const date = new Date().toISOString().slice(0, 10);
  const chart = `${date}-soak-memory.svg`;
  writeFileSync(
    path.join(import.meta.dirname, 'results', chart),
    lineChart({
      title: `Soak: resident memory per process, ${minutes} min at ${rate}/s`,
      xLabel: 'seconds',
      yLabel: 'MiB (PostgreSQL: client connections)',
      series: [
        ...processes.map((p) => ({
          name: p.name,
          points: samples.map((s) => [s.second, s.rssMiB[p.name]!] as const),
        })),
        { name: 'PG connections', points: samples.map((s) => [s.second, s.postgresConnections] as const) },
      ],
    }),
  );
  report('soak', figures, {
    minutes,
    batchTimeoutMs,
    subscribers,
    rate,
    samples,
    windows,
    run: { ...run, traces: undefined },
    chart,
  });
} finally {
  await pipeline.close();
}
