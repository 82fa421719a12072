// The app: the sign-in page until a token works, then the shell with the chosen project and
// environment around the current page.
import { useMemo, useState } from 'react';
import { createApi } from '../api/client.js';
import { SignIn } from '../pages/sign-in.js';
import { Shell } from './shell.js';
import { remembered } from './session.js';

/** The root component. */
export function App() {
  const [token, setToken] = useState(remembered.token());
  const api = useMemo(
    () => (token ? createApi(window.location.origin, token) : undefined),
    [token],
  );
  if (!api) {
    return (
      <SignIn
        onSignedIn={(t) => {
          remembered.setToken(t);
          setToken(t);
        }}
      />
    );
  }
  return (
    <Shell
      api={api}
      signOut={() => {
        remembered.setToken('');
        setToken('');
      }}
    />
  );
}
