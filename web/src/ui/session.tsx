// The signed-in session: the API clients for the token, and the chosen project and environment.
import { createContext, useContext } from 'react';
import type { Environment } from '@vane/gen/web/vane/admin/v1/environment_service';
import type { Project } from '@vane/gen/web/vane/admin/v1/project_service';
import type { Api } from '../api/client.js';

/** What every page gets from the shell. */
export interface Session {
  readonly api: Api;
  readonly project: Project;
  readonly env: Environment;
  /** Re-reads the environment (after a key rotation, a rename…). */
  readonly refreshEnv: () => void;
  readonly signOut: () => void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

/** The current session; only pages under the shell call it. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the signed-in shell');
  return s;
}

const TOKEN = 'vane.token';
const PROJECT = 'vane.project';
const ENV = 'vane.env';

/** Remembered choices, in the browser's session storage (the token) and local storage. */
export const remembered = {
  token: () => sessionStorage.getItem(TOKEN) ?? '',
  setToken: (t: string) =>
    t ? sessionStorage.setItem(TOKEN, t) : sessionStorage.removeItem(TOKEN),
  project: () => localStorage.getItem(PROJECT) ?? '',
  setProject: (id: string) => localStorage.setItem(PROJECT, id),
  env: () => localStorage.getItem(ENV) ?? '',
  setEnv: (id: string) => localStorage.setItem(ENV, id),
};
