/**
 * Prints how long a command took from its mutation to its terminal status. Logged, never asserted:
 * on a shared machine a test's timing says little, and speed is measured in bench/.
 */
export function logLatency(what: string, sentAt: number, arrivedAt: number): void {
  process.stdout.write(`[e2e] ${what}: ${Math.round(arrivedAt - sentAt)} ms from the mutation\n`);
}
