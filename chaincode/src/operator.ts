export const defaultOperatorMspId = 'GxMSP';

/**
 * The MSP whose members may mint and review KYC: `OPERATOR_MSP_ID`, default `GxMSP`. Read at each
 * call, so the environment of the process running the contracts decides, in tests too.
 */
export function operatorMspId(env: NodeJS.ProcessEnv = process.env): string {
  return env.OPERATOR_MSP_ID || defaultOperatorMspId;
}
