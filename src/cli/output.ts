/** Where a command's lines go: the console, or a test's lists. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

export const consoleOutput: CliOutput = { out: (line) => console.log(line), err: (line) => console.error(line) };
