// The demo's clinical users, added by the first-start bootstrap when HEALTHLANE_DEMO is on and the
// credentials go to bootstrap.json: a nurse and a physician whose care team ("Demo ward") holds the
// demo patients, and a privacy officer. Their passwords are generated and written only to that
// file (and shown once by `healthlane start`), like the admin's.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '@healthlane/access';
import type { Transaction } from '@healthlane/store';
import { hashPassword } from './domain/password.ts';
import { insertUser } from './store/users.ts';

/**
 * The demo patients records loads on an empty store (services/records/demo-data, Synthea): their
 * ids are the Patient entries' urn:uuid, so they are known before the data is there. The CLI's
 * demo monitors are assigned to the same patients.
 */
export const demoWardPatients: readonly string[] = [
  'd78af07c-9cb9-4f31-9b11-c45a28f2eec8',
  'c19264dc-4d8e-488f-b6df-31a896089080',
  '39e53c6f-309b-4ed7-b650-79a4ef7b1e99',
  'd9427379-943a-42c1-b3d0-6b5056a12696',
];

export const demoCareTeamName = 'Demo ward';

interface DemoUserSpec {
  username: string;
  displayName: string;
  roles: Role[];
  /** Member of the demo ward's care team (its patients are their normal reach). */
  ward: boolean;
}

const demoUserSpecs: readonly DemoUserSpec[] = [
  { username: 'nurse', displayName: 'Nia Adebayo (demo nurse)', roles: ['nurse'], ward: true },
  { username: 'physician', displayName: 'Dr Sam Rivera (demo physician)', roles: ['clinician'], ward: true },
  {
    username: 'privacy-officer',
    displayName: 'Priya Shah (demo privacy officer)',
    roles: ['privacy-officer'],
    ward: false,
  },
];

/** What bootstrap.json says about each demo user. */
export interface DemoUserCredentials {
  username: string;
  password: string;
  roles: Role[];
}

export interface PreparedDemoUser extends DemoUserCredentials {
  id: string;
  displayName: string;
  ward: boolean;
  passwordHash: string;
}

/** Generates the passwords and hashes them (outside any transaction: scrypt takes a while). */
export async function prepareDemoUsers(): Promise<PreparedDemoUser[]> {
  return Promise.all(
    demoUserSpecs.map(async (spec) => {
      const password = randomBytes(18).toString('base64url');
      return { ...spec, id: randomUUID(), password, passwordHash: await hashPassword(password) };
    }),
  );
}

/**
 * Inserts the demo users (a taken username is left as it is and dropped from the result) and the
 * demo ward's care team; returns the users actually created.
 */
export async function insertDemoUsers(
  tx: Transaction,
  users: readonly PreparedDemoUser[],
  now: Date,
): Promise<PreparedDemoUser[]> {
  const created: PreparedDemoUser[] = [];
  for (const user of users) {
    const inserted = await insertUser(
      tx,
      {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        roles: user.roles,
        patientId: null,
        passwordHash: user.passwordHash,
      },
      now,
    );
    if (inserted) created.push(user);
  }
  const members = created.filter((user) => user.ward);
  if (members.length === 0) return created;
  const teamId = randomUUID();
  await tx.query('INSERT INTO identity.care_team (id, name, kind, created_at) VALUES ($1, $2, $3, $4)', [
    teamId,
    demoCareTeamName,
    'ward',
    now,
  ]);
  for (const member of members) {
    await tx.query('INSERT INTO identity.care_team_member (team_id, user_id, position) VALUES ($1, $2, $3)', [
      teamId,
      member.id,
      'member',
    ]);
  }
  for (const patient of demoWardPatients) {
    await tx.query('INSERT INTO identity.care_team_patient (team_id, patient_id) VALUES ($1, $2)', [
      teamId,
      patient,
    ]);
  }
  return created;
}

export function demoCredentials(users: readonly PreparedDemoUser[]): DemoUserCredentials[] {
  return users.map(({ username, password, roles }) => ({ username, password, roles }));
}
