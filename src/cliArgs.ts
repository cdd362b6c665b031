/** Argument parsers shared by the command-line tools (`cli.ts`, `bench.ts`). */
import { InvalidArgumentError } from 'commander';

/**
 * A commander parser for an integer option of at least `min`.
 * @throws InvalidArgumentError (commander prints it with the option's name) for anything else.
 */
export function integer(min: number): (value: string) => number {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}, got "${value}"`);
    return n;
  };
}
