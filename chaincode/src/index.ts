export { chaincodeName, createChaincode } from './chaincode.js';
export { BatchContract, contracts, IdentityContract, TokenomicsContract } from './contracts/index.js';
export { defaultOperatorMspId, operatorMspId } from './operator.js';
