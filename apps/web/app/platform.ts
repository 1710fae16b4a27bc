// What every screen reaches through context: the session and the API client built on it.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api/http.ts';
import type { Session } from './auth/session.ts';

export interface Platform {
  session: Session;
  api: Api;
  now: () => Date;
}

export const PlatformContext = createContext<Platform | null>(null);

export function usePlatform(): Platform {
  const platform = useContext(PlatformContext);
  if (!platform) throw new Error('usePlatform outside the console');
  return platform;
}
