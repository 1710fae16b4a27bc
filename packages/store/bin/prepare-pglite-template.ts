// Run at `npm install` (root postinstall): builds the PGlite cluster template so that the first
// `npm start` on a fresh machine does not pay for initdb. Never fails the install.
import { createPgliteTemplate } from '../src/pglite-template.ts';

try {
  const path = await createPgliteTemplate();
  process.stdout.write(`healthlane: prepared the embedded database template (${path})\n`);
} catch (error) {
  process.stderr.write(`healthlane: could not prepare the embedded database template: ${String(error)}\n`);
}
