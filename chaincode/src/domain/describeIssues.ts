/** The part of a zod issue that names what is wrong and where. */
export interface InputIssue {
  path: readonly PropertyKey[];
  message: string;
}

/**
 * One line for a list of validation issues, e.g. `commands[1].amount: must be a positive integer…`.
 * A command's `args` wrapper is left out of the path: callers know arguments by their names.
 */
export function describeIssues(issues: readonly InputIssue[], root = ''): string {
  return issues.map((issue) => `${pathOf(issue.path, root) || 'input'}: ${issue.message}`).join('; ');
}

function pathOf(path: readonly PropertyKey[], root: string): string {
  let described = root;
  for (const segment of path) {
    if (segment === 'args') continue;
    described += typeof segment === 'number' ? `[${segment}]` : `${described ? '.' : ''}${String(segment)}`;
  }
  return described;
}
