// What an administrator does before a nurse can sign in to the console, through identity's real
// admin API: register the console as a public OIDC client (PKCE, no secret), create the nurse, and
// put the ward's patients in the nurse's care team.
import { call, type Platform } from './platform.ts';

export const consoleClientId = 'healthlane-console';

export async function registerConsole(platform: Platform): Promise<void> {
  const reply = await call(platform, 'POST', '/auth/admin/clients', {
    client_id: consoleClientId,
    client_name: 'HealthLane console',
    redirect_uris: [`${platform.url}/signin/callback`],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
    scope: 'openid fhirUser offline_access user/*.cruds',
  });
  if (reply.status !== 201)
    throw new Error(`console client not registered (${reply.status}): ${JSON.stringify(reply.body)}`);
}

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
