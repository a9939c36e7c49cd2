import { describe, expect, it } from 'vitest';
import { minting, nextId, registration } from '../testing/commands.js';
import { parseBatchCommands } from './parseBatchCommands.js';

describe('parseBatchCommands', () => {
  it('reads an ordered list of commands', () => {
    const commands = [registration(), minting(nextId(), '3')];
    expect(parseBatchCommands(JSON.stringify(commands))).toEqual(commands);
  });

  it('refuses input that is not JSON, without quoting it', () => {
    expect(() => parseBatchCommands('[{"commandId": oops')).toThrow(
      /^invalid input to ApplyCommands: commandsJson is not valid JSON$/,
    );
  });

  it('refuses an empty list or something else than a list', () => {
    expect(() => parseBatchCommands('[]')).toThrow(
      'invalid input to ApplyCommands: commands: Too small: expected array to have >=1 items',
    );
    expect(() => parseBatchCommands('{}')).toThrow(
      'commands: Invalid input: expected array, received object',
    );
  });

  it('names the command and argument at fault', () => {
    const commands = [registration(), minting(nextId(), '0')];
    expect(() => parseBatchCommands(JSON.stringify(commands))).toThrow(
      'invalid input to ApplyCommands: commands[1].amount: must be a positive integer of at most 30 digits, as a string',
    );
    expect(() =>
      parseBatchCommands(JSON.stringify([{ commandId: nextId(), type: 'BURN', args: {} }])),
    ).toThrow('commands[0].type: Invalid discriminator value');
  });
});
