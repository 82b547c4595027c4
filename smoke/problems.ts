/**
 * Checks that look at many responses collect every problem first and then fail once, with
 * one line per problem (where it was found, what is wrong, the fix), not just the first.
 */
export function failOnProblems(heading: string, problems: readonly string[]): void {
  if (problems.length === 0) return;
  throw new Error(`${heading}: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
