// Entry point of the `healthlane` command (run from source via tsx, or bundled into dist/).
import { run } from './cli.ts';

process.exitCode = await run(process.argv.slice(2), process.env);
