#!/usr/bin/env node
// pulumi-intune review | drift (see cli/commands.ts; `pulumi-intune --help` prints the usage)
import { main, readInput } from "./main";

main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readInput,
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    process.stderr.write(`pulumi-intune: ${e.message}\n`);
    process.exitCode = 1;
  },
);
