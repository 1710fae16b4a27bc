// The device directory's patient → ward index follows every assignment change and survives a reload.
import { migrate } from '@healthlane/store';
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceDirectory } from '../src/devices/device-directory.ts';
import { monitoringMigrations } from '../src/store/schema.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestPgliteDatabase();
  await migrate(test.db, 'monitoring', monitoringMigrations);
});
afterAll(() => test.drop());

const device = (patient: string, ward?: string) => ({
  resourceType: 'Device',
  patient: { reference: `Patient/${patient}` },
  ...(ward ? { location: { reference: `Location/${ward}` } } : {}),
});

describe('device directory', () => {
  it('answers each patient’s ward as devices are assigned, moved, reassigned and removed', async () => {
    const directory = createDeviceDirectory(test.db);
    const apply = (id: string, version: string, resource: unknown) =>
      test.db.transaction((tx) => directory.apply(tx, id, version, resource));
    await apply('d1', '1', device('p1', 'w1'));
    expect(directory.wardOf('p1')).toBe('w1');
    await apply('d1', '2', device('p1', 'w2'));
    expect(directory.wardOf('p1')).toBe('w2');
    await apply('d2', '1', device('p1'));
    await apply('d1', '3', device('p2', 'w2'));
    expect(directory.wardOf('p1')).toBeUndefined();
    expect(directory.wardOf('p2')).toBe('w2');
    await apply('d2', '2', device('p1', 'w3'));
    expect(directory.wardOf('p1')).toBe('w3');
    expect(directory.patientsInWard('w2')).toEqual(['p2']);
    const reloaded = createDeviceDirectory(test.db);
    await reloaded.load();
    expect(reloaded.wardOf('p1')).toBe('w3');
    expect(reloaded.wardOf('p2')).toBe('w2');
    await apply('d2', '3', null);
    expect(directory.wardOf('p1')).toBeUndefined();
    expect(directory.lookup('d2')?.patientId).toBeUndefined();
  });
});
