// What bin/mtls-enforcer.js does with the built CLI, from the sources (run with `node --import tsx`),
// so child-process tests exercise the current code without a build step.
import { processIo, runCli } from '../../src/cli/index.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
