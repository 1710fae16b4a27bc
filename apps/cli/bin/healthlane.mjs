#!/usr/bin/env node
// Launcher for the `healthlane` command: the bundle in ../dist when it has been built
// (`npm run build`, what the container ships), otherwise the TypeScript source through tsx.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/healthlane.mjs', import.meta.url);

if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
