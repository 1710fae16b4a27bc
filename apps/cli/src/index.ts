// @healthlane/cli as a library: the command runner and the service registry, for tests and tools.
export { commands, run } from './cli.ts';
export { builtInServices, findService, loadRegistry, selectServices } from './service-registry.ts';
export { exitCode, UsageError } from './usage-error.ts';
