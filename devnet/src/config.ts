import { commonEnv, millisVar, optionalStringVar, portVar, positiveIntVar } from '@gx/runtime';
import { z } from 'zod';

/** The environment `pnpm devnet` reads (see README). */
export const devnetEnv = commonEnv.extend({
  DEVNET_PORT: portVar(7051),
  DEVNET_HOST: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string({ error: 'expected a host name or IP address' }).min(1).default('127.0.0.1'),
  ),
  DEVNET_BATCH_TIMEOUT_MS: millisVar(20),
  DEVNET_BATCH_SIZE: positiveIntVar(500),
  DEVNET_CONTROL_PORT: portVar(7059),
  OPERATOR_MSP_ID: optionalStringVar(),
});

export type DevnetEnv = z.infer<typeof devnetEnv>;
