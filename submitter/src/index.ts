export { type SubmitterConfig, submitterEnv } from './config.js';
export { type ClaimedCommand, planBatches } from './plan.js';
export { explainClaimRead } from './sql/claimBatches.js';
export { type RunningSubmitter, startSubmitter } from './startSubmitter.js';
export { Submitter, type SubmitterSettings } from './submitter.js';
