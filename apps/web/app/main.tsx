// Console entry: builds the session and API client, renders the shell, starts the session.
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { createApi } from './api/http.ts';
import { App } from './app.tsx';
import { Session } from './auth/session.ts';
import { type Platform, PlatformContext } from './platform.ts';

const session = new Session({
  fetch: (input, init) => fetch(input, init),
  storage: sessionStorage,
  origin: location.origin,
  navigate: (url) => location.assign(url),
  now: () => Date.now(),
});
const platform: Platform = { session, api: createApi(session), now: () => new Date() };

const root = document.getElementById('root')!;
root.replaceChildren(); // the boot message goes; render adds to what is there
render(
  <PlatformContext.Provider value={platform}>
    <App />
  </PlatformContext.Provider>,
  root,
);
void session.start();
