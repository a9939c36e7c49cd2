import { BatchContract } from './batch.js';
import { IdentityContract } from './identity.js';
import { TokenomicsContract } from './tokenomics.js';

export { BatchContract, IdentityContract, TokenomicsContract };

/** Every contract of the chaincode, the first being the default for unqualified function names. */
export const contracts = [IdentityContract, TokenomicsContract, BatchContract] as const;
