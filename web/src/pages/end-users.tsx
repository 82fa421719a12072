// End users: search, and one user's properties and the flags they get.
import { useState } from 'react';
import { Empty, ErrorBox, Loading, When } from '../ui/components.js';
import { href } from '../ui/router.js';
import { useSession } from '../ui/session.js';
import { useLoad } from '../ui/use-load.js';

/** The end users SDKs have reported in this environment. */
export function EndUsersPage() {
  const { api, env } = useSession();
  const [query, setQuery] = useState('');
  const users = useLoad(
    () =>
      api.endUsers.searchEndUsers({
        envId: env.id,
        page: { pageSize: 100, pageToken: '' },
        query,
        properties: [],
      }),
    [api, env.id, query],
  );
  return (
    <section>
      <header className="page-head">
        <h1>End users</h1>
      </header>
      <div className="filters" role="search">
        <label>
          <span className="sr-only">Search users</span>
          <input
            type="search"
            placeholder="Search by key or name"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
      </div>
      {users.error !== undefined ? (
        <ErrorBox error={users.error} retry={users.reload} />
      ) : !users.data ? (
        <Loading what="Loading users" />
      ) : users.data.users.length === 0 ? (
        <Empty>
          {query ? 'No user matches.' : 'No users yet. Users appear here once an SDK reports them.'}
        </Empty>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Name</th>
              <th scope="col">Properties</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {users.data.users.map((u) => (
              <tr key={u.user?.keyId}>
                <td>
                  <a className="mono strong" href={href('users', u.user?.keyId ?? '')}>
                    {u.user?.keyId}
                  </a>
                </td>
                <td>{u.user?.name}</td>
                <td className="muted">
                  {u.user?.customProperties.map((p) => `${p.name}=${p.value}`).join(', ')}
                </td>
                <td>
                  <When date={u.lastSeenAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {users.data?.page?.nextPageToken && (
        <p className="muted">Showing the first 100 users; refine the search to find others.</p>
      )}
    </section>
  );
}

/** One end user. */
export function EndUserPage({ keyId }: { keyId: string }) {
  const { api, env } = useSession();
  const user = useLoad(
    () => api.endUsers.getEndUser({ envId: env.id, keyId }),
    [api, env.id, keyId],
  );
  const flags = useLoad(
    () =>
      api.endUsers.listEndUserFlags({
        envId: env.id,
        keyId,
        page: { pageSize: 200, pageToken: '' },
        query: '',
      }),
    [api, env.id, keyId],
  );
  const record = user.data?.user;
  return (
    <section>
      <header className="page-head">
        <div>
          <a href={href('users')} className="muted">
            ← End users
          </a>
          <h1 className="mono">{keyId}</h1>
        </div>
      </header>
      <div className="columns">
        <section className="card">
          <h2>Properties</h2>
          {user.error !== undefined ? (
            <ErrorBox error={user.error} retry={user.reload} />
          ) : !record ? (
            <Loading />
          ) : (
            <dl className="props">
              <dt>Name</dt>
              <dd>{record.user?.name || <span className="muted">none</span>}</dd>
              {record.user?.customProperties.map((p) => (
                <div key={p.name}>
                  <dt>{p.name}</dt>
                  <dd>{p.value}</dd>
                </div>
              ))}
              <dt>First seen</dt>
              <dd>
                <When date={record.firstSeenAt} />
              </dd>
              <dt>Last seen</dt>
              <dd>
                <When date={record.lastSeenAt} />
              </dd>
            </dl>
          )}
        </section>
        <section className="card">
          <h2>Flags this user gets</h2>
          {flags.error !== undefined ? (
            <ErrorBox error={flags.error} retry={flags.reload} />
          ) : !flags.data ? (
            <Loading />
          ) : flags.data.flags.length === 0 ? (
            <Empty>No flags in this environment.</Empty>
          ) : (
            <table className="list compact">
              <thead>
                <tr>
                  <th scope="col">Flag</th>
                  <th scope="col">Value</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {flags.data.flags.map((f) => (
                  <tr key={f.flagId}>
                    <td>
                      <a href={href('flags', f.result?.flagKey ?? '')}>{f.flagName}</a>
                    </td>
                    <td className="mono">{f.result?.value}</td>
                    <td className="muted">{f.result?.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </section>
  );
}
