// Access tokens for the admin API: list, create (the token is shown once), revoke.
import { useState } from 'react';
import { Role } from '@vane/gen/web/vane/admin/v1/access_token_service';
import { VaneCallError } from '@vane/grpc-client/web';
import {
  CopyButton,
  Dialog,
  Empty,
  ErrorBox,
  Field,
  Loading,
  TextField,
  When,
  useAction,
} from '../ui/components.js';
import { useSession } from '../ui/session.js';
import { useLoad } from '../ui/use-load.js';

const ROLES: [Role, string][] = [
  [Role.ROLE_VIEWER, 'Viewer (read only)'],
  [Role.ROLE_EDITOR, 'Editor (flags, segments, experiments)'],
  [Role.ROLE_ADMIN, 'Admin (also environments and keys)'],
  [Role.ROLE_OWNER, 'Owner (also tokens and projects)'],
];

const roleName = (r: Role) => (Role[r] ?? '').replace('ROLE_', '').toLowerCase();

/** The access tokens. */
export function AccessTokensPage() {
  const { api } = useSession();
  const [creating, setCreating] = useState(false);
  const [inactive, setInactive] = useState(false);
  const tokens = useLoad(
    () =>
      api.accessTokens.listAccessTokens({
        page: { pageSize: 200, pageToken: '' },
        query: '',
        includeInactive: inactive,
      }),
    [api, inactive],
  );
  const revoke = useAction();
  return (
    <section>
      <header className="page-head">
        <h1>Access tokens</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New token
        </button>
      </header>
      <label>
        <input type="checkbox" checked={inactive} onChange={(e) => setInactive(e.target.checked)} />{' '}
        Show revoked and expired
      </label>
      {revoke.error !== undefined && <ErrorBox error={revoke.error} />}
      {tokens.error !== undefined ? (
        <ErrorBox error={tokens.error} retry={tokens.reload} />
      ) : !tokens.data ? (
        <Loading what="Loading tokens" />
      ) : tokens.data.accessTokens.length === 0 ? (
        <Empty>No tokens.</Empty>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Projects</th>
              <th scope="col">Prefix</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.accessTokens.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{roleName(t.role)}</td>
                <td>{t.allProjects ? 'all' : t.projectIds.length}</td>
                <td className="mono">{t.tokenPrefix}…</td>
                <td>
                  <When date={t.createdAt} />
                </td>
                <td>
                  {t.revokedAt ? 'revoked' : t.expiresAt ? <When date={t.expiresAt} /> : 'never'}
                </td>
                <td>
                  {!t.revokedAt && (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => {
                        if (!window.confirm(`Revoke “${t.name}”?`)) return;
                        void revoke
                          .run(() => api.accessTokens.revokeAccessToken({ id: t.id }))
                          .then(() => tokens.reload());
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && (
        <CreateTokenDialog
          onClose={() => {
            setCreating(false);
            tokens.reload();
          }}
        />
      )}
    </section>
  );
}

function CreateTokenDialog({ onClose }: { onClose: () => void }) {
  const { api, project } = useSession();
  const [allProjects, setAllProjects] = useState(true);
  const [name, setName] = useState('');
  const [role, setRole] = useState(Role.ROLE_EDITOR);
  const [days, setDays] = useState('90');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<string>();
  const action = useAction();
  const server = action.error instanceof VaneCallError ? action.error.fieldErrors : {};
  if (created)
    return (
      <Dialog title="Token created" onClose={onClose}>
        <p>Copy it now: it is shown only once.</p>
        <pre className="mono token">{created}</pre>
        <footer>
          <CopyButton text={created} />
          <button type="button" className="primary" onClick={onClose}>
            Done
          </button>
        </footer>
      </Dialog>
    );
  return (
    <Dialog title="New access token" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const p: Record<string, string> = {};
          if (name.trim() === '') p.name = 'Name the token after who or what uses it.';
          if (days !== '' && !(Number(days) > 0))
            p.days = 'A positive number of days, or empty for never.';
          setProblems(p);
          if (Object.keys(p).length > 0) return;
          void action
            .run(() =>
              api.accessTokens.createAccessToken({
                name: name.trim(),
                role,
                allProjects,
                projectIds: allProjects ? [] : [project.id],
                ...(days ? { expiresAt: new Date(Date.now() + Number(days) * 86_400_000) } : {}),
              }),
            )
            .then((r) => r && setCreated(r.token));
        }}
      >
        <TextField
          label="Name"
          value={name}
          onChange={setName}
          errors={problems.name ?? server.name}
          autoFocus
        />
        <Field label="Role" errors={server.role}>
          {(id) => (
            <select id={id} value={role} onChange={(e) => setRole(Number(e.target.value))}>
              {ROLES.map(([r, label]) => (
                <option key={r} value={r}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <label>
          <input
            type="checkbox"
            checked={allProjects}
            onChange={(e) => setAllProjects(e.target.checked)}
          />{' '}
          All projects (otherwise only {project.name})
        </label>
        <TextField
          label="Expires in (days)"
          value={days}
          onChange={setDays}
          errors={problems.days ?? server.expires_at}
          hint="Empty: never expires."
        />
        {action.error !== undefined && <ErrorBox error={action.error} />}
        <footer>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={action.busy}>
            Create token
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
