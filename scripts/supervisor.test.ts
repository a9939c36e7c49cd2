import { createLogger } from '@gx/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor } from './supervisor.js';

const logger = createLogger({ service: 'supervisor-test', level: 'silent', format: 'json' });

const node = (code: string) => ({ command: process.execPath, args: ['-e', code] });

async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Supervisor', () => {
  let supervisor: Supervisor | undefined;
  afterEach(() => supervisor?.stop());

  it('restarts a child that dies, with a growing delay, and logs it', async () => {
    const lines: string[] = [];
    const warnings: unknown[] = [];
    const spyLogger = Object.assign(Object.create(logger), {
      warn: (fields: unknown) => warnings.push(fields),
    });
    supervisor = new Supervisor({
      logger: spyLogger,
      write: (l) => lines.push(l),
      backoffMs: 50,
      maxBackoffMs: 1_000,
    });
    const started = Date.now();
    supervisor.start({ name: 'crasher', ...node("console.log('up'); process.exit(3)") });
    await waitFor(() => supervisor!.restarts().crasher === 3);
    // 50 + 100 ms of backoff at least between the first and the third restart
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(lines.filter((l) => l.endsWith('up')).length).toBeGreaterThanOrEqual(3);
    expect(lines[0]).toContain('crasher');
    expect(warnings[0]).toMatchObject({ service: 'crasher', code: 3, restartInMs: 50, restarts: 1 });
    expect(warnings[1]).toMatchObject({ restartInMs: 100, restarts: 2 });
  });

  it('stops children with SIGTERM in reverse order and does not restart them', async () => {
    const lines: string[] = [];
    supervisor = new Supervisor({ logger, write: (l) => lines.push(l) });
    const graceful = (name: string) =>
      node(
        `console.log('ready'); process.on('SIGTERM', () => { console.log('${name} stopping'); process.exit(0); }); setInterval(() => {}, 1000);`,
      );
    supervisor.start({ name: 'first', ...graceful('first') });
    supervisor.start({ name: 'second', ...graceful('second') });
    await waitFor(() => lines.filter((l) => l.endsWith('ready')).length === 2);
    await supervisor.stop();
    const stops = lines
      .filter((l) => l.endsWith('stopping'))
      .map((l) => (l.includes('first') ? 'first' : 'second'));
    expect(stops).toEqual(['second', 'first']);
    expect(supervisor.restarts()).toEqual({ first: 0, second: 0 });
  });

  it('kills a child that ignores SIGTERM after the grace period', async () => {
    supervisor = new Supervisor({ logger, write: () => {}, stopGraceMs: 200 });
    supervisor.start({
      name: 'stubborn',
      ...node("process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);"),
    });
    await waitFor(() => supervisor!.pid('stubborn') !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await supervisor.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(supervisor.pid('stubborn')).toBeUndefined();
  });
});
