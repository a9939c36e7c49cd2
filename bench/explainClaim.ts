// Prints the plans of the submitter's claim reads (the candidates, and the commands in flight that
// are not candidates) on a queue of 20,000 waiting and 20,000 finished commands, 1,600 of them
// leased, under the claim's own settings (for the closing note; not part of `pnpm bench`).
import { connect } from '@gx/db';
import { acceptCommands } from '@gx/db/testing';
import { newUser, transfer, updateProfile } from '@gx/schema/testing';
import { sql } from 'drizzle-orm';
import { BenchStack } from './lib/stack.js';

const stack = new BenchStack();
try {
  await stack.startDatabase();
  const { db, sql: pool, close } = connect(stack.databaseUrl);
  const users = Array.from({ length: 1_000 }, newUser);
  const pick = () => users[Math.floor(Math.random() * users.length)]!;
  await acceptCommands(
    db,
    Array.from({ length: 40_000 }, (_, i) => (i % 5 ? transfer(pick(), pick(), '1') : updateProfile(pick()))),
  );
  await db.execute(sql`update commands set status = 'PROJECTED' where seq <= 20000`);
  await db.execute(
    sql`update commands set locked_by = 'w', locked_at = now() where seq between 20001 and 21600`,
  );
  await db.execute(sql`analyze commands`);
  const connection = await pool.reserve();
  await connection.unsafe(`set enable_bitmapscan = off`);
  for (const query of [
    `select id, seq, type, status, aggregate_id, touches, payload, attempts, ledger_tx_id, correlation_id, created_at
       from commands
      where status in ('ACCEPTED', 'SUBMITTED', 'RETRYING') and locked_by is null and next_attempt_at <= now()
      order by seq
      limit 3200
        for update skip locked`,
    `select aggregate_id, seq, touches, locked_at > now() - interval '60 seconds' as leased
       from commands
      where locked_by is not null and status in ('ACCEPTED', 'SUBMITTED', 'RETRYING')
      union all
     select aggregate_id, seq, touches, false
       from commands
      where status = 'RETRYING' and locked_by is null and next_attempt_at > now()`,
  ]) {
    const plan = await connection.unsafe<{ 'QUERY PLAN': string }[]>(
      `explain (analyze, buffers, costs off) ${query}`,
    );
    process.stdout.write(`${plan.map((r) => r['QUERY PLAN']).join('\n')}\n\n`);
  }
  connection.release();
  await close();
} finally {
  await stack.stop();
}
