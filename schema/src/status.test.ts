import { describe, expect, it } from 'vitest';
import { allowedFrom, canTransition, commandStatuses, isTerminal } from './status.js';

describe('command status transitions', () => {
  it('lets the submitter commit only what it submitted or is retrying', () => {
    expect(allowedFrom('submitter', 'COMMITTED')).toEqual(['SUBMITTED', 'RETRYING']);
    expect(canTransition('submitter', 'PROJECTED', 'COMMITTED')).toBe(false);
  });

  it('never moves a status backwards from PROJECTED or REJECTED', () => {
    for (const writer of ['submitter', 'projector', 'admin'] as const) {
      for (const to of commandStatuses) {
        expect(canTransition(writer, 'PROJECTED', to)).toBe(false);
        expect(canTransition(writer, 'REJECTED', to)).toBe(false);
      }
    }
  });

  it('lets the projector move any non-terminal or dead command on: the ledger is the truth', () => {
    expect(allowedFrom('projector', 'PROJECTED')).toEqual([
      'ACCEPTED',
      'SUBMITTED',
      'RETRYING',
      'COMMITTED',
      'DEAD',
    ]);
  });

  it('redrives only DEAD commands', () => {
    expect(allowedFrom('admin', 'ACCEPTED')).toEqual(['DEAD']);
    expect(allowedFrom('admin', 'PROJECTED')).toEqual([]);
  });

  it('treats PROJECTED, REJECTED and DEAD as terminal', () => {
    expect(commandStatuses.filter(isTerminal)).toEqual(['PROJECTED', 'REJECTED', 'DEAD']);
  });
});
