// SDK keys of the environment: copy, rotate, add, revoke.
import { useState } from 'react';
import { SecretKind } from '@vane/gen/web/vane/admin/v1/environment_service';
import { CopyButton, ErrorBox, When, useAction } from '../ui/components.js';
import { useSession } from '../ui/session.js';

/** The environment's secrets. */
export function KeysPage() {
  const { api, env, project, refreshEnv } = useSession();
  const action = useAction();
  const [shown, setShown] = useState<string>();
  return (
    <section>
      <header className="page-head">
        <div>
          <h1>SDK keys</h1>
          <div className="muted">
            {project.name} · {env.name}. Server keys are for server SDKs (they receive rules);
            client keys for browsers and apps (they receive only results).
          </div>
        </div>
        <div className="row">
          {[SecretKind.SECRET_KIND_SERVER, SecretKind.SECRET_KIND_CLIENT].map((kind) => (
            <button
              key={kind}
              type="button"
              disabled={action.busy}
              onClick={() =>
                void action
                  .run(() =>
                    api.environments.addSecret({
                      envId: env.id,
                      name: kind === SecretKind.SECRET_KIND_SERVER ? 'Server key' : 'Client key',
                      kind,
                    }),
                  )
                  .then((r) => r && refreshEnv())
              }
            >
              Add {kind === SecretKind.SECRET_KIND_SERVER ? 'server' : 'client'} key
            </button>
          ))}
        </div>
      </header>
      {action.error !== undefined && <ErrorBox error={action.error} />}
      <table className="list">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Key</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {env.secrets.map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td>
              <td>{s.kind === SecretKind.SECRET_KIND_SERVER ? 'server' : 'client'}</td>
              <td className="mono">{shown === s.id ? s.value : `${s.value.slice(0, 6)}…`}</td>
              <td>
                <When date={s.createdAt} />
              </td>
              <td className="row">
                <button type="button" onClick={() => setShown(shown === s.id ? undefined : s.id)}>
                  {shown === s.id ? 'Hide' : 'Show'}
                </button>
                <CopyButton text={s.value} />
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={() => {
                    if (
                      !window.confirm(`Rotate “${s.name}”? SDKs using the old key will be refused.`)
                    )
                      return;
                    void action
                      .run(() => api.environments.rotateSecret({ envId: env.id, secretId: s.id }))
                      .then((r) => r && refreshEnv());
                  }}
                >
                  Rotate
                </button>
                <button
                  type="button"
                  className="danger"
                  disabled={action.busy}
                  onClick={() => {
                    if (!window.confirm(`Revoke “${s.name}”?`)) return;
                    void action
                      .run(() => api.environments.revokeSecret({ envId: env.id, secretId: s.id }))
                      .then((r) => r && refreshEnv());
                  }}
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
