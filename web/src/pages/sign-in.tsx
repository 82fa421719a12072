// Sign in with an access token: it is checked against the admin API before it is kept.
import { useState } from 'react';
import { createApi } from '../api/client.js';
import { Status } from 'nice-grpc-web';
import { VaneCallError } from '@vane/grpc-client/web';
import { ErrorBox, TextField } from '../ui/components.js';

/** The sign-in page. */
export function SignIn({ onSignedIn }: { onSignedIn: (token: string) => void }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setError(undefined);
    const t = token.trim();
    if (t === '') {
      setProblem('Paste an access token.');
      return;
    }
    setProblem(undefined);
    setBusy(true);
    try {
      await createApi(window.location.origin, t).projects.listProjects({
        page: { pageSize: 1, pageToken: '' },
        query: '',
      });
      onSignedIn(t);
    } catch (err) {
      if (err instanceof VaneCallError && err.code === Status.UNAUTHENTICATED)
        setProblem('This token was not accepted.');
      else setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1>
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          Vane
        </h1>
        <p>
          Sign in with an access token. `npm start` prints the owner token (also kept in
          .vane/owner-token).
        </p>
        <TextField
          label="Access token"
          name="token"
          type="password"
          value={token}
          onChange={setToken}
          errors={problem}
          placeholder="vane_…"
          autoFocus
        />
        {error !== undefined && <ErrorBox error={error} />}
        <button className="primary" type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
