/**
 * The ledger client's own cost (issue 4): CPU per committed transaction through @gx/fabric's
 * `Ledger` (breaker, deadlines, result parsing, classification) beside the bare official client
 * doing the same endorse → submit → commit status, against the same devnet process, in one run.
 *
 *   npx tsx --conditions=@gx/source bench/fabric.ts [--txs 2000] [--in-flight 64]
 */
import { randomUUID } from 'node:crypto';
import { connectLedger } from '@gx/fabric';
import { createLogger } from '@gx/runtime';
import { toLedgerArgs } from '@gx/schema';
import { newUser, register as registration } from '@gx/schema/testing';
import { bareClient, inFlight } from './lib/officialClient.js';
import { numberOption } from './lib/options.js';
import { type Figure, report } from './lib/report.js';
import { BenchStack } from './lib/stack.js';
import { round } from './lib/stats.js';

const transactions = numberOption('txs', 2_000);
const concurrency = numberOption('in-flight', 64);

const stack = new BenchStack();
try {
  await stack.startDevnet({ DEVNET_BATCH_TIMEOUT_MS: '20' });
  const ledger = await connectLedger({
    folder: stack.connectionDir,
    logger: createLogger({ service: 'bench', level: 'warn', format: 'json' }),
  });
  const bare = bareClient(stack.connectionDir);
  const identity = bare.contract('IdentityContract');

  const bareRun = () =>
    measure(async () => {
      const user = newUser();
      const transaction = await identity
        .newProposal('CreateUser', {
          arguments: [randomUUID(), user.profileId, user.walletId, 'DE', 'INDIVIDUAL', 'a'.repeat(64)],
        })
        .endorse();
      const submitted = await transaction.submit();
      await submitted.getStatus();
    });
  const wrapperRun = () =>
    measure(async () => {
      const command = registration(newUser());
      const prepared = await ledger.prepare([
        { commandId: command.id, type: 'REGISTER', args: toLedgerArgs('REGISTER', command.payload) },
      ]);
      await ledger.submitPrepared(prepared.envelope);
    });

  // Warm both paths, then alternate them so drift on a shared machine hits both alike.
  await bareRun();
  await wrapperRun();
  const bareRuns = [await bareRun(), await bareRun()];
  const wrapperRuns = [await wrapperRun(), await wrapperRun()];
  const mean = (runs: { cpuMs: number; rate: number }[], key: 'cpuMs' | 'rate') =>
    runs.reduce((sum, r) => sum + r[key], 0) / runs.length;
  const bareCpu = mean(bareRuns, 'cpuMs');
  const wrapperCpu = mean(wrapperRuns, 'cpuMs');
  const load = `${transactions} CreateUser per run, ${concurrency} in flight, client process + devnet process, 2 runs each`;
  const figures: Figure[] = [
    { figure: 'bare official client, CPU ms per committed tx', value: String(round(bareCpu)), load },
    { figure: '@gx/fabric Ledger, CPU ms per committed tx', value: String(round(wrapperCpu)), load },
    {
      figure: 'Ledger ÷ bare client CPU per tx',
      value: `${round(wrapperCpu / bareCpu, 2)}×`,
      target: 'little above 1',
      load: 'same devnet, same run',
    },
    {
      figure: 'committed tx/s, bare / Ledger',
      value: `${round(mean(bareRuns, 'rate'), 0)} / ${round(mean(wrapperRuns, 'rate'), 0)}`,
      load,
    },
  ];
  bare.close();
  ledger.close();
  report('fabric', figures, { transactions, concurrency, bareRuns, wrapperRuns });
} finally {
  await stack.stop();
}

async function measure(task: () => Promise<void>): Promise<{ cpuMs: number; rate: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await inFlight(transactions, concurrency, task);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000 / transactions, rate: transactions / seconds };
}
