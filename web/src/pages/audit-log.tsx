// The environment's audit log: who changed what, when, with a diff of the stored JSON.
import { useState } from 'react';
import { ResourceType } from '@vane/gen/web/vane/common/v1/resource';
import { diffLines } from '../model/diff.js';
import { Empty, ErrorBox, Loading, When } from '../ui/components.js';
import { DiffView } from '../ui/diff-view.js';
import { useSession } from '../ui/session.js';
import { useLoad } from '../ui/use-load.js';
import { actionName } from './flag-history.js';

const pretty = (json: string) => {
  if (!json) return [];
  try {
    return JSON.stringify(JSON.parse(json), null, 2).split('\n');
  } catch {
    return [json];
  }
};

/** The audit log page. */
export function AuditLogPage() {
  const { api, env } = useSession();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<string>();
  const entries = useLoad(
    () =>
      api.auditLog.listAuditLogEntries({
        page: { pageSize: 100, pageToken: '' },
        projectId: '',
        envId: env.id,
        resourceType: 0,
        resourceId: '',
        actorId: '',
        actions: [],
        query,
      }),
    [api, env.id, query],
  );
  return (
    <section>
      <header className="page-head">
        <h1>Audit log</h1>
      </header>
      <div className="filters" role="search">
        <label>
          <span className="sr-only">Search the audit log</span>
          <input
            type="search"
            placeholder="Search by key or comment"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
      </div>
      {entries.error !== undefined ? (
        <ErrorBox error={entries.error} retry={entries.reload} />
      ) : !entries.data ? (
        <Loading what="Loading the audit log" />
      ) : entries.data.entries.length === 0 ? (
        <Empty>No changes recorded in this environment.</Empty>
      ) : (
        <ul className="audit">
          {entries.data.entries.map((e) => (
            <li key={e.id}>
              <button
                type="button"
                className="ghost"
                aria-expanded={open === e.id}
                onClick={() => setOpen(open === e.id ? undefined : e.id)}
              >
                <When date={e.createdAt} /> · {e.actorName || e.actorId} · {actionName(e.action)}{' '}
                {(ResourceType[e.resourceType] ?? '')
                  .replace('RESOURCE_TYPE_', '')
                  .toLowerCase()
                  .replace('_', ' ')}{' '}
                <span className="mono">{e.resourceKey}</span>
                {e.comment && <> · “{e.comment}”</>}
              </button>
              {open === e.id && (
                <DiffView diff={diffLines(pretty(e.beforeJson), pretty(e.afterJson))} />
              )}
            </li>
          ))}
        </ul>
      )}
      {entries.data?.page?.nextPageToken && (
        <p className="muted">Showing the latest 100 entries; search to find older ones.</p>
      )}
    </section>
  );
}
