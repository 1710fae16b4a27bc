// What an administrator does before a nurse can sign in to the console, through identity's real
// admin API: create the nurse and put the ward's patients in the nurse's care team. (The console's
// public OIDC client, healthlane-console, is written by identity's bootstrap at every start.)
import { call, type Platform } from './platform.ts';

export interface Nurse {
  id: string;
  username: string;
  password: string;
}

export async function createNurse(platform: Platform, patients: string[]): Promise<Nurse> {
  const nurse = {
    username: 'ward7.nurse',
    password: 'Correct-Horse-Battery-Staple-7',
    displayName: 'Nia Nurse',
  };
  const user = await call<{ id: string }>(platform, 'POST', '/auth/admin/users', {
    ...nurse,
    roles: ['nurse'],
  });
  if (user.status !== 201)
    throw new Error(`nurse not created (${user.status}): ${JSON.stringify(user.body)}`);
  const team = await call(platform, 'POST', '/auth/admin/care-teams', {
    name: 'Ward 7',
    kind: 'ward',
    members: [{ userId: user.body.id }],
    patients,
  });
  if (team.status !== 201)
    throw new Error(`care team not created (${team.status}): ${JSON.stringify(team.body)}`);
  return { id: user.body.id, username: nurse.username, password: nurse.password };
}
