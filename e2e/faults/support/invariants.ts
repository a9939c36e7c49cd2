import { connect } from '@gx/db';
import { connectLedger } from '@gx/fabric';
import { rebuild } from '@gx/projector';
import { createLogger } from '@gx/runtime';
import { terminalStatuses } from '@gx/schema';
import { auditLedger } from './ledgerAudit.js';
import type { MixedLoad, SentCommand } from './mixedLoad.js';
import type { ReadinessProbe } from './readinessProbe.js';
import { type SupervisedPipeline, type SupervisedService, supervisedServices } from './supervisedPipeline.js';

/** One promise of the system, checked after a scenario: whether it held, and the figures that say so. */
export interface Invariant {
  name: string;
  holds: boolean;
  detail: string;
}

export interface ScenarioExpectations {
  /** How many times each service was killed: the supervisor must have restarted it at least as often. */
  kills: Partial<Record<SupervisedService, number>>;
  /** Subscribers' sockets died (their api was killed): they must have reconnected. */
  subscribersReconnect: boolean;
  /** Whether `/readyz` showed the outage while it lasted and recovered after it. */
  readiness: (probe: ReadinessProbe) => { holds: boolean; detail: string };
  /** What the fault met when it struck, printed with the invariants (e.g. the commands in flight). */
  struck?: string;
}

export interface ScenarioRun {
  pipeline: SupervisedPipeline;
  load: MixedLoad;
  probe: ReadinessProbe;
  expectations: ScenarioExpectations;
}

const isTerminal = (status: string | undefined) =>
  status !== undefined && (terminalStatuses as readonly string[]).includes(status);

/** Checks every invariant of the fault suite against the database, the ledger from block 0 and what the clients saw. */
export async function checkInvariants(run: ScenarioRun): Promise<Invariant[]> {
  const { pipeline, load } = run;
  const database = connect(pipeline.databaseUrl, { max: 2, applicationName: 'gx-faults-check' });
  try {
    const rows = await database.sql<{ id: string; status: string }[]>`select id, status from commands`;
    const statusOf = new Map(rows.map((row) => [row.id, row.status]));
    const audit = await auditLedger(pipeline.connectionDir);
    const [balances] = await database.sql<{ total: string }[]>`
      select coalesce(sum(balance), 0)::text as total from wallets`;
    const logger = createLogger({ service: 'faults-rebuild', level: 'warn', format: 'json' });
    const ledger = await connectLedger({ folder: pipeline.connectionDir, logger });
    const rebuilt = await rebuild({ database, ledger, logger, swap: false }).finally(() => ledger.close());

    return [
      acceptedAreTerminal(load, statusOf),
      noneDead(statusOf),
      appliedOnce(audit.outcomes, statusOf),
      {
        name: 'read models equal a rebuild from block 0',
        holds: rebuilt.identical,
        detail: `${rebuilt.events} events replayed to block ${rebuilt.position.blockNumber}; ${rebuilt.comparison
          .map(
            (c) => `${c.table} ${c.live} live / ${c.rebuilt} rebuilt, ${c.onlyLive + c.onlyRebuilt} differ`,
          )
          .join('; ')}`,
      },
      balancesEqualMinted(load, statusOf, BigInt(balances?.total ?? '0'), audit.minted),
      subscribersSawTheEnd(run, statusOf),
      await servicesCameBack(run),
      { name: 'readiness reflected the outage', ...run.expectations.readiness(run.probe) },
    ];
  } finally {
    await database.close();
  }
}

function acceptedAreTerminal(load: MixedLoad, statusOf: Map<string, string>): Invariant {
  const accepted = new Set(load.sent.map((c) => c.commandId));
  const lost = [...accepted].filter((id) => !statusOf.has(id));
  const unfinished = [...statusOf].filter(([, status]) => !isTerminal(status));
  // a row without a receipt is a mutation whose answer never came back; allowed only for operations given up
  const unanswered = [...statusOf.keys()].filter((id) => !accepted.has(id));
  const terminal = [...accepted].filter((id) => isTerminal(statusOf.get(id)));
  const byStatus = terminalStatuses
    .map((status) => `${status} ${[...statusOf.values()].filter((s) => s === status).length}`)
    .join(', ');
  const refused = [...load.refused].map(([reason, count]) => `${reason} ×${count}`).join(', ') || 'none';
  return {
    name: 'every accepted command is terminal, none lost',
    holds:
      lost.length === 0 &&
      unfinished.length === 0 &&
      terminal.length === accepted.size &&
      unanswered.length <= load.gaveUp,
    detail:
      `accepted ${accepted.size} = terminal ${terminal.length} (${byStatus}); rows ${statusOf.size}, ` +
      `lost ${lost.length}, not terminal ${unfinished.length}${unfinished.length ? ` (e.g. ${unfinished.slice(0, 3).join(', ')})` : ''}, ` +
      `rows without a receipt ${unanswered.length}; resent after a fault ${load.sent.filter((c) => c.resent).length}, ` +
      `gave up ${load.gaveUp}, refused ${refused}`,
  };
}

/** Guarantee 5: while services or the ledger are away, commands wait without burning their attempts. */
function noneDead(statusOf: Map<string, string>): Invariant {
  const dead = [...statusOf].filter(([, status]) => status === 'DEAD').map(([id]) => id);
  return {
    name: 'no command went DEAD (faults are not failures)',
    holds: dead.length === 0,
    detail: dead.length ? `${dead.length} DEAD, e.g. ${dead.slice(0, 3).join(', ')}` : '0 DEAD',
  };
}

function appliedOnce(
  outcomes: Map<string, { applied: number; rejected: number; alreadyApplied: number }>,
  statusOf: Map<string, string>,
): Invariant {
  const twice = [...outcomes].filter(([, o]) => o.applied + o.rejected > 1).map(([id]) => id);
  const projectedNotOnce = [...statusOf]
    .filter(([id, status]) => status === 'PROJECTED' && outcomes.get(id)?.applied !== 1)
    .map(([id]) => id);
  const unknown = [...outcomes.keys()].filter((id) => !statusOf.has(id));
  const repeats = [...outcomes.values()].reduce((sum, o) => sum + o.alreadyApplied, 0);
  return {
    name: 'no command applied twice on the ledger',
    holds: twice.length === 0 && projectedNotOnce.length === 0 && unknown.length === 0,
    detail:
      `${outcomes.size} command ids on the ledger from block 0; applied or refused more than once ${twice.length}` +
      `${twice.length ? ` (e.g. ${twice.slice(0, 3).join(', ')})` : ''}; PROJECTED without exactly one APPLIED ` +
      `${projectedNotOnce.length}; unknown ids ${unknown.length}; repeats answered ALREADY_APPLIED ${repeats}`,
  };
}

function balancesEqualMinted(
  load: MixedLoad,
  statusOf: Map<string, string>,
  balances: bigint,
  ledgerMinted: bigint,
): Invariant {
  const projectedMints = load.sent
    .filter((c) => c.type === 'MINT' && statusOf.get(c.commandId) === 'PROJECTED')
    .reduce((sum, c) => sum + (c.amount ?? 0n), 0n);
  return {
    name: 'total balances equal total minted',
    holds: balances === projectedMints && balances === ledgerMinted,
    detail: `wallets ${balances}; mints the clients saw PROJECTED ${projectedMints}; mints on the ledger ${ledgerMinted}`,
  };
}

function subscribersSawTheEnd(run: ScenarioRun, statusOf: Map<string, string>): Invariant {
  const missed = run.load.sent.filter((c) => {
    const last = c.states.at(-1)?.status;
    return (
      !c.ended?.completed || last === undefined || !isTerminal(last) || last !== statusOf.get(c.commandId)
    );
  });
  const overSeveralConnections = run.load.sent.filter(
    (c) => new Set(c.states.map((s) => s.connection)).size > 1,
  ).length;
  const { clients, closures, reconnections } = run.load.connectionStats();
  // re-subscribed: a subscription that got states on the socket that died and on the new one
  const reconnected =
    !run.expectations.subscribersReconnect || (reconnections > 0 && overSeveralConnections > 0);
  const example = missed[0];
  return {
    name: 'every subscriber received the terminal status of its command',
    holds: missed.length === 0 && reconnected,
    detail:
      `${run.load.sent.length - missed.length} of ${run.load.sent.length} subscriptions ended at their command's terminal status; ` +
      `${clients} clients, sockets lost or refused ${closures} times, reconnected ${reconnections} times; ` +
      `${overSeveralConnections} subscriptions received states over more than one socket` +
      (example
        ? `; e.g. ${example.type} ${example.commandId} saw ${example.states.map((s) => s.status).join(' → ') || 'nothing'} ` +
          `(stored ${statusOf.get(example.commandId)}), ${describeEnd(example.ended)}`
        : '') +
      (reconnected ? '' : '; expected subscriptions of the killed api to continue on a new socket'),
  };
}

function describeEnd(ended: SentCommand['ended']): string {
  if (!ended) return 'subscription still open';
  return ended.completed ? 'subscription completed' : ended.reason;
}

async function servicesCameBack(run: ScenarioRun): Promise<Invariant> {
  const restarts = run.pipeline.restarts();
  const notRestarted = Object.entries(run.expectations.kills).filter(
    ([name, kills]) => (restarts[name] ?? 0) < (kills ?? 0),
  );
  const ready = await Promise.all(
    supervisedServices.map(async (name) => [name, await run.pipeline.isReady(name)] as const),
  );
  const notReady = ready.filter(([, ok]) => !ok).map(([name]) => name);
  return {
    name: 'the services came back by themselves',
    holds: notRestarted.length === 0 && notReady.length === 0,
    detail: `restarts by the supervisor: ${Object.entries(restarts)
      .map(([name, count]) => `${name} ${count}`)
      .join(', ')} (killed: ${
      Object.entries(run.expectations.kills)
        .map(([name, count]) => `${name} ${count}`)
        .join(', ') || 'none'
    }); ready now: ${ready.map(([name, ok]) => `${name} ${ok ? 'yes' : 'NO'}`).join(', ')}`,
  };
}

/** Prints a scenario's invariants, one line each, so a nightly log shows the figures and not only a pass. */
export function printInvariants(
  scenario: string,
  seconds: number,
  invariants: Invariant[],
  struck: string | undefined,
): void {
  const lines = invariants.map((i) => `  ${i.holds ? '✓' : '✗'} ${i.name}: ${i.detail}`);
  if (struck) lines.unshift(`  the fault struck with ${struck}`);
  process.stdout.write(`\n[faults] ${scenario} (${seconds.toFixed(0)} s)\n${lines.join('\n')}\n`);
}
