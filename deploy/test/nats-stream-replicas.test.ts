// The platform's JetStream stream is kept on as many NATS servers as the overlay runs (at most
// three): production stores every message on all three servers, dev on its one.
import { hostConfig, loadConfig } from '@healthlane/kit';
import { describe, expect, it } from 'vitest';
import type { Manifest } from './support/manifest.ts';
import { render } from './support/render.ts';

function streamSetting(objects: Manifest[]): { replicas: number; servers: number } {
  const common = objects.find(
    (object) => object.kind === 'ConfigMap' && object.metadata?.name?.startsWith('healthlane-common'),
  );
  const nats = objects.find((object) => object.kind === 'StatefulSet' && object.metadata?.name === 'nats');
  const data = (common as { data?: Record<string, string> } | undefined)?.data ?? {};
  const { host } = loadConfig({ host: hostConfig }, data);
  return {
    replicas: host.NATS_STREAM_REPLICAS,
    servers: (nats as { spec?: { replicas?: number } }).spec?.replicas ?? 1,
  };
}

describe('NATS stream replicas', () => {
  it('production keeps the stream on all three NATS servers', () => {
    expect(streamSetting(render('overlays/production'))).toEqual({ replicas: 3, servers: 3 });
  });

  it('dev keeps it on its one server', () => {
    expect(streamSetting(render('overlays/dev'))).toEqual({ replicas: 1, servers: 1 });
  });
});
