// The fault suite (`pnpm test:faults`): under a steady mixed load with a subscriber on every
// command, each scenario breaks the running stack one way (then all ways at once), lets it recover
// by itself, and checks the system's promises (docs/DESIGN.md, "Guarantees") against the database,
// the ledger read from block 0 and what every client saw. Each scenario has a stack of its own, so
// its ledger and its figures are its own.
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { checkInvariants, printInvariants, type ScenarioExpectations } from './support/invariants.js';
import { MixedLoad } from './support/mixedLoad.js';
import { ReadinessProbe } from './support/readinessProbe.js';
import {
  SupervisedPipeline,
  type SupervisedService,
  supervisedServices,
} from './support/supervisedPipeline.js';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/** The figure; a shorter one makes a quick local run. */
const ledgerOutageMs = setting('GX_FAULTS_LEDGER_OUTAGE_MS', 30_000);
const postgresDownMs = setting('GX_FAULTS_POSTGRES_DOWN_MS', 5_000);
const ledgerDelayMs = setting('GX_FAULTS_LEDGER_DELAY_MS', 200);
const ledgerDelayForMs = setting('GX_FAULTS_LEDGER_DELAY_FOR_MS', 20_000);
/** Operations per second and wallets: steady, and light enough for a shared 2-core machine. */
const ratePerSecond = setting('GX_FAULTS_RATE', 8);
const members = setting('GX_FAULTS_MEMBERS', 16);
const steadyMs = 5_000;
const afterRecoveryMs = 10_000;

type Inject = (pipeline: SupervisedPipeline) => Promise<ScenarioExpectations>;

async function runScenario(name: string, inject: Inject): Promise<void> {
  const started = performance.now();
  const pipeline = await SupervisedPipeline.start();
  const load = new MixedLoad({ apiUrl: pipeline.apiUrl, members, ratePerSecond });
  const probe = new ReadinessProbe(pipeline);
  try {
    await load.prepare();
    probe.start();
    load.start();
    await sleep(steadyMs);
    const expectations = await inject(pipeline);
    await sleep(afterRecoveryMs);
    load.stop();
    const settled = await load.settle(300_000);
    probe.stop();
    const invariants = await checkInvariants({ pipeline, load, probe, expectations });
    printInvariants(name, (performance.now() - started) / 1000, invariants, expectations.struck);
    const broken = invariants.filter((i) => !i.holds).map((i) => `${i.name}: ${i.detail}`);
    if (!settled) broken.push('some operations had neither a receipt nor a terminal status after 5 minutes');
    expect(broken).toEqual([]);
  } catch (error) {
    // the services' last lines, for whatever broke
    console.error(pipeline.describe());
    throw error;
  } finally {
    probe.stop();
    load.stop();
    await load.close();
    await pipeline.destroy();
  }
}

/** Kills a service and waits until the supervisor has it running and ready again; returns what the kill interrupted. */
async function killAndAwaitReturn(pipeline: SupervisedPipeline, name: SupervisedService): Promise<string> {
  const inFlight = await pipeline.commandsInFlight();
  const killed = pipeline.kill(name);
  const deadline = Date.now() + 120_000;
  while (pipeline.pid(name) === undefined || pipeline.pid(name) === killed) {
    if (Date.now() > deadline) throw new Error(`${name} was not restarted\n${pipeline.describe()}`);
    await sleep(100);
  }
  await pipeline.untilReady([name], 120_000);
  return inFlight;
}

type Verdict = { holds: boolean; detail: string };
const all = (...verdicts: Verdict[]): Verdict => ({
  holds: verdicts.every((v) => v.holds),
  detail: verdicts.map((v) => v.detail).join('; '),
});

/** Each service's /readyz failed (503 or no answer) after `from`, and answered ready again at the end. */
const wentDownAndBack =
  (services: readonly SupervisedService[], from: number) =>
  (probe: ReadinessProbe): Verdict =>
    all(
      ...services.map((service) => {
        const timeline = probe.timeline(service, from);
        const states = timeline.split(' → ');
        return {
          holds: states.some((s) => s !== 'ready') && states.at(-1) === 'ready',
          detail: `${service} ${timeline}`,
        };
      }),
    );

/** The submitter reported its breaker OPEN while the ledger was away, and CLOSED again after. */
const breakerOpenedAndClosed =
  (from: number, to: number) =>
  (probe: ReadinessProbe): Verdict => {
    const during = probe.between('submitter', from, to).map((s) => s.body.breaker);
    const after = probe.between('submitter', to).map((s) => s.body.breaker);
    return {
      holds: during.includes('OPEN') && after.at(-1) === 'CLOSED',
      detail: `submitter breaker during the outage ${merged(during)}, after ${merged(after)}`,
    };
  };

/** Consecutive repeats merged; samples without the value (no answer) left out. */
const merged = (values: unknown[]) => {
  const known = values.filter((v) => v !== undefined);
  return known.filter((v, i) => i === 0 || known[i - 1] !== v).join(' → ') || 'no sample';
};

/**
 * Kills `service` under a slow ledger, which keeps transactions in flight: the kill leaves some
 * submitted and unanswered, and commands whose subscriptions have not ended.
 */
const killUnderSlowLedger =
  (service: 'submitter' | 'api') =>
  async (pipeline: SupervisedPipeline): Promise<ScenarioExpectations> => {
    await pipeline.setLedgerFault({ delayMs: 1_000 });
    await sleep(3_000);
    const from = performance.now();
    const struck = await killAndAwaitReturn(pipeline, service);
    await pipeline.clearLedgerFault();
    return {
      kills: { [service]: 1 },
      // killing the api kills its subscribers' sockets
      subscribersReconnect: service === 'api',
      readiness: wentDownAndBack([service], from),
      struck,
    };
  };

it('kill -9 of the submitter', async () => {
  await runScenario('kill -9 of the submitter', killUnderSlowLedger('submitter'));
});

it('kill -9 of the projector leader, with a second projector standing by', async () => {
  await runScenario('kill -9 of the projector leader', async (pipeline) => {
    const leader = await pipeline.leaderProjector();
    const standby = leader === 'projector-a' ? 'projector-b' : 'projector-a';
    const from = performance.now();
    // frozen first, the leader still holds its lock while a backlog of committed commands builds up:
    // the kill then leaves work for the standby, which must take over from the checkpoint
    pipeline.freeze(leader);
    await sleep(3_000);
    const struck = await killAndAwaitReturn(pipeline, leader);
    return {
      struck,
      kills: { [leader]: 1 },
      subscribersReconnect: false,
      readiness: (probe) =>
        all(wentDownAndBack([leader], from)(probe), {
          holds: probe.between(standby, from).some((s) => s.body.role === 'leader'),
          detail: `${standby} role ${merged(probe.between(standby, from).map((s) => s.body.role))}`,
        }),
    };
  });
});

it('kill -9 of the api under live subscriptions', async () => {
  await runScenario('kill -9 of the api', killUnderSlowLedger('api'));
});

it(`the ledger unavailable for ${ledgerOutageMs / 1000} s`, async () => {
  await runScenario(`devnet unavailable for ${ledgerOutageMs / 1000} s`, async (pipeline) => {
    const from = performance.now();
    await pipeline.setLedgerFault({ unavailable: true });
    await sleep(ledgerOutageMs);
    await pipeline.clearLedgerFault();
    const to = performance.now();
    return { kills: {}, subscribersReconnect: false, readiness: breakerOpenedAndClosed(from, to) };
  });
});

it('PostgreSQL restarted', async () => {
  await runScenario(
    `PostgreSQL stopped for ${postgresDownMs / 1000} s and started again`,
    async (pipeline) => {
      const from = performance.now();
      await pipeline.restartPostgres(postgresDownMs);
      await pipeline.untilReady(supervisedServices, 120_000);
      return { kills: {}, subscribersReconnect: false, readiness: wentDownAndBack(supervisedServices, from) };
    },
  );
});

it(`a ${ledgerDelayMs} ms delay on the ledger connection`, async () => {
  await runScenario(
    `${ledgerDelayMs} ms delay on every ledger call for ${ledgerDelayForMs / 1000} s`,
    async (pipeline) => {
      const from = performance.now();
      await pipeline.setLedgerFault({ delayMs: ledgerDelayMs });
      await sleep(ledgerDelayForMs);
      await pipeline.clearLedgerFault();
      return {
        kills: {},
        subscribersReconnect: false,
        // a slow ledger is no outage: nothing may report itself unready, and the breaker stays closed
        readiness: (probe) =>
          all(
            ...supervisedServices.map((service) => {
              const timeline = probe.timeline(service, from);
              return { holds: timeline === 'ready', detail: `${service} ${timeline}` };
            }),
            {
              holds: !probe.between('submitter', from).some((s) => s.body.breaker !== 'CLOSED'),
              detail: `submitter breaker ${merged(probe.between('submitter', from).map((s) => s.body.breaker))}`,
            },
          ),
      };
    },
  );
});

it('everything at once', async () => {
  await runScenario('all faults together', async (pipeline) => {
    const from = performance.now();
    const leader = await pipeline.leaderProjector();
    await pipeline.setLedgerFault({ unavailable: true });
    const killings = (async () => {
      const struck = await killAndAwaitReturn(pipeline, 'submitter');
      await killAndAwaitReturn(pipeline, leader);
      await killAndAwaitReturn(pipeline, 'api');
      await pipeline.restartPostgres(postgresDownMs);
      return struck;
    })();
    const [struck] = await Promise.all([killings, sleep(ledgerOutageMs)]);
    // the ledger comes back slow before it comes back well
    await pipeline.setLedgerFault({ delayMs: ledgerDelayMs });
    const outageEnded = performance.now();
    await sleep(ledgerDelayForMs / 2);
    await pipeline.clearLedgerFault();
    await pipeline.untilReady(supervisedServices, 120_000);
    return {
      struck: `the ledger away and, at the submitter's kill, ${struck}`,
      kills: { submitter: 1, [leader]: 1, api: 1 },
      subscribersReconnect: true,
      readiness: (probe) =>
        all(
          wentDownAndBack(supervisedServices, from)(probe),
          breakerOpenedAndClosed(from, outageEnded)(probe),
        ),
    };
  });
});
