/**
 * Time to queryable (issue 9): mutation sent → `commandStatus` says PROJECTED, through the whole
 * stack, every part its own process (embedded PostgreSQL, devnet, submitter, projector, api), the
 * clients in this one. For each devnet batch timeout (20 ms, then Fabric's default 2 s):
 *
 * 1. the drain capacity: a backlog accepted through the api while the submitter is stopped, then
 *    drained by submitter + devnet + projector (first claim → last projection);
 * 2. offered loads of 25 %, 50 % and 90 % of it (writes due on a fixed schedule, each followed by
 *    a subscription until terminal): p50/p95/p99 and the stages accepted → submitted → committed →
 *    projected from the command rows;
 * 3. 150 % (overload): accept latency, the backlog's growth, and the time to drain once it stops.
 *
 * Beside it, in the same run, the naive design: a poll-only submitter (100 ms, one command per
 * transaction, one transaction at a time) and a projector that commits its checkpoint after every
 * event (bench/naiveProjector.ts): its capacity, and both designs at the same load.
 *
 *   npx tsx --conditions=@gx/source bench/queryable.ts [--seconds 60] [--accounts 300] [--backlog 6000]
 *     [--timeouts 20,2000] [--naive-seconds 30]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { numberOption, textOption } from './lib/options.js';
import {
  drainCapacity,
  type LoadResult,
  naiveSubmitterEnv,
  offer,
  startPipeline,
} from './lib/pipelineBench.js';
import { type Figure, report } from './lib/report.js';
import { round, type Summary } from './lib/stats.js';
import { lineChart, percentileCurve, type Series } from './lib/svgChart.js';

const seconds = numberOption('seconds', 60);
const accountCount = numberOption('accounts', 300);
const backlogSize = numberOption('backlog', 6000);
const batchTimeouts = textOption('timeouts', '20,2000').split(',').map(Number);
const naiveSeconds = numberOption('naive-seconds', 30);
const loadFractions = [0.25, 0.5, 0.9];
const overloadFraction = 1.5;

const describeSummary = (s: Summary) => `p50 ${s.median}, p95 ${s.p95}, p99 ${s.p99} (n ${s.count})`;
const stagesText = (r: LoadResult) =>
  Object.entries(r.stages)
    .map(([stage, s]) => `${stage} p50 ${s.median}`)
    .join('; ');

const figures: Figure[] = [];
const details: Record<string, unknown> = { seconds, accountCount, backlogSize, batchTimeouts, naiveSeconds };
const charts: Record<string, string> = {};
const date = new Date().toISOString().slice(0, 10);
const resultsFolder = path.join(import.meta.dirname, 'results');

// The naive design first: the common load of the comparison is half its capacity.
const naive = await startPipeline(20, 'naive', accountCount);
let naiveLoad: LoadResult;
let naiveCapacity: Awaited<ReturnType<typeof drainCapacity>>;
try {
  naiveCapacity = await drainCapacity(naive, Math.max(200, Math.round(backlogSize / 20)), naiveSubmitterEnv);
  naiveLoad = await offer(naive, round(naiveCapacity.rate / 2, 1), naiveSeconds);
} finally {
  await naive.close();
}
details.naive = { capacity: naiveCapacity, load: { ...naiveLoad, traces: undefined } };

const distribution: Series[] = [];
for (const batchTimeoutMs of batchTimeouts) {
  const pipeline = await startPipeline(batchTimeoutMs, 'ours', accountCount);
  const where = `whole stack (api, submitter, projector, devnet with batch timeout ${batchTimeoutMs} ms, PostgreSQL), clients in the bench process`;
  try {
    const capacity = await drainCapacity(pipeline, backlogSize, {});
    figures.push({
      figure: `drain capacity, batch timeout ${batchTimeoutMs} ms, commands/s`,
      value: `${round(capacity.rate, 0)}`,
      load: `${capacity.commands} commands accepted through the api, then drained (first claim → last projection); ${where}`,
    });
    // warm-up, not counted: connections opened, code paths compiled, caches filled
    await offer(pipeline, round(capacity.rate * loadFractions[0]!, 1), 5);
    const runs: Record<string, unknown> = { capacity };
    const throughputSeries: Series[] = [];
    for (const fraction of [...loadFractions, overloadFraction]) {
      const rate = round(capacity.rate * fraction, 1);
      const run = await offer(pipeline, rate, seconds, { sampleBacklog: fraction > 1 });
      const name = `${Math.round(fraction * 100)} %`;
      runs[name] = { ...run, traces: undefined };
      figures.push({
        figure: `time to queryable, ${name} of capacity, batch timeout ${batchTimeoutMs} ms, ms`,
        value: `${describeSummary(run.queryable)}; stages: ${stagesText(run)}`,
        target: fraction > 1 ? 'accept p99 < 100 ms' : undefined,
        load: `${rate}/s offered, ${run.achieved}/s accepted, ${seconds} s, accept p99 ${run.accept.p99} ms${run.failed ? `, ${run.failed} failed (${run.firstError?.slice(0, 80)})` : ''}${run.nonProjected ? `, ${run.nonProjected} not PROJECTED` : ''}; ${where}`,
      });
      if (fraction > 1) {
        const peak = Math.max(0, ...run.throughput.map((t) => t.backlog ?? 0));
        figures.push({
          figure: `overload ${name}, batch timeout ${batchTimeoutMs} ms`,
          value: `accept p50 ${run.accept.median} / p99 ${run.accept.p99} ms; backlog peak ${peak}; drained ${run.drainSeconds} s after the load stopped`,
          target: 'accept p99 < 100 ms',
          load: `${rate}/s offered for ${seconds} s, ${run.achieved}/s accepted; ${where}`,
        });
      }
      distribution.push({
        name: `${name}, ${batchTimeoutMs} ms`,
        points: percentileCurve(
          run.traces.filter((t) => t.terminal === 'PROJECTED').map((t) => t.terminalAt! - t.dueAt),
        ),
      });
      throughputSeries.push(
        { name: `accepted/s at ${name}`, points: run.throughput.map((t) => [t.second, t.accepted] as const) },
        {
          name: `projected/s at ${name}`,
          points: run.throughput.map((t) => [t.second, t.projected] as const),
        },
      );
      if (fraction > 1)
        throughputSeries.push({
          name: `backlog at ${name}`,
          points: run.throughput
            .filter((t) => t.backlog !== undefined)
            .map((t) => [t.second, t.backlog!] as const),
        });
    }
    charts[`throughput-${batchTimeoutMs}ms`] = lineChart({
      title: `Throughput over time, devnet batch timeout ${batchTimeoutMs} ms`,
      xLabel: 'seconds since the load started',
      yLabel: 'commands per second (backlog: commands)',
      series: throughputSeries.filter((s) => /150|90/.test(s.name)),
    });
    if (batchTimeoutMs === 20) {
      const same = await offer(pipeline, naiveLoad.offered, naiveSeconds);
      runs.naiveLoad = { ...same, traces: undefined };
      figures.push(
        {
          figure: 'naive design: drain capacity, commands/s',
          value: `${round(naiveCapacity.rate, 1)}; ours ÷ naive ${round(capacity.rate / naiveCapacity.rate, 1)}×`,
          load: `${naiveCapacity.commands} commands backlog; poll-only submitter (100 ms, 1 command per transaction, 1 in flight), projector committing after each event; batch timeout 20 ms`,
        },
        {
          figure: 'naive design: time to queryable at its 50 % load, ms',
          value: `naive ${describeSummary(naiveLoad.queryable)}; ours ${describeSummary(same.queryable)}; naive ÷ ours p50 ${round(naiveLoad.queryable.median / same.queryable.median, 1)}×, p99 ${round(naiveLoad.queryable.p99 / same.queryable.p99, 1)}×`,
          load: `${naiveLoad.offered}/s offered to each design for ${naiveSeconds} s; batch timeout 20 ms; same run`,
        },
      );
    }
    details[`batchTimeout${batchTimeoutMs}ms`] = runs;
  } finally {
    await pipeline.close();
  }
}

charts['time-to-queryable'] = lineChart({
  title: 'Time to queryable (mutation sent → PROJECTED received) by offered load',
  xLabel: 'percentile',
  yLabel: 'ms (log scale)',
  logY: true,
  series: distribution,
});
for (const [name, svg] of Object.entries(charts)) {
  const file = path.join(resultsFolder, `${date}-queryable-${name}.svg`);
  writeFileSync(file, svg);
  process.stdout.write(`${file}\n`);
}
details.charts = Object.keys(charts).map((name) => `${date}-queryable-${name}.svg`);
report('queryable', figures, details);
