// Prints the plan of the submitter's claim read (the candidates and the commands in flight that are
// not candidates, in one statement) on a queue of 20,000 waiting and 20,000 finished commands, 1,600
// of them leased, as the claim runs it with its defaults (16 free slots, batches of 100) (for the
// closing note; not part of `pnpm bench`).
import { connect } from '@gx/db';
import { acceptCommands } from '@gx/db/testing';
import { newUser, transfer, updateProfile } from '@gx/schema/testing';
import { explainClaimRead } from '@gx/submitter';
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
  const plan = await explainClaimRead(pool, { leaseMs: 60_000, freeSlots: 16, maxBatch: 100 });
  process.stdout.write(`${plan}\n`);
  await close();
} finally {
  await stack.stop();
}
