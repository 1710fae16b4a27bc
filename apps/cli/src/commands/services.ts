// `healthlane services`: the registered services, their prefixes and what they do.
import { type Command, parseCommandArgs } from '../command.ts';
import { loadRegistry, selectServices } from '../service-registry.ts';

export const servicesCommand: Command = {
  name: 'services',
  summary: 'list the registered services',
  help: `Usage: healthlane services [--json]

Lists the services this build registers (plus HEALTHLANE_EXTRA_SERVICES, narrowed by
HEALTHLANE_SERVICES): name, URL prefixes and description.

Options:
  --json   one JSON array instead of a table`,
  async run({ args, env }) {
    const { values } = parseCommandArgs(this, args, { json: { type: 'boolean' } }, { max: 0 });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const services = selectServices(await loadRegistry(env), env).map(({ name, prefixes, description }) => ({
      name,
      prefixes,
      description,
    }));
    if (values.json) {
      console.log(JSON.stringify(services));
      return 0;
    }
    const width = Math.max(...services.map((service) => service.name.length)) + 2;
    for (const service of services) {
      console.log(
        `${service.name.padEnd(width)}${service.prefixes.join(' ').padEnd(16)}${service.description}`,
      );
    }
    return 0;
  },
};
