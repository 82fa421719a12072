// The segment list, with search and "new segment".
import { useState } from 'react';
import { ArchivedFilter } from '@vane/gen/web/vane/common/v1/query';
import { VaneCallError } from '@vane/grpc-client/web';
import { Dialog, Empty, ErrorBox, Loading, TextField, useAction } from '../ui/components.js';
import { href, navigate } from '../ui/router.js';
import { useSession } from '../ui/session.js';
import { useLoad } from '../ui/use-load.js';
import { slug } from './flags.js';

/** The segments of the current environment. */
export function SegmentsPage() {
  const { api, env } = useSession();
  const [query, setQuery] = useState('');
  const [archived, setArchived] = useState(false);
  const [creating, setCreating] = useState(false);
  const segments = useLoad(
    () =>
      api.segments.listSegments({
        envId: env.id,
        page: { pageSize: 200, pageToken: '' },
        query,
        tags: [],
        tagMatch: 0,
        archived: archived
          ? ArchivedFilter.ARCHIVED_FILTER_ARCHIVED
          : ArchivedFilter.ARCHIVED_FILTER_ACTIVE,
        ids: [],
        orderBy: '',
      }),
    [api, env.id, query, archived],
  );
  return (
    <section>
      <header className="page-head">
        <h1>Segments</h1>
        <button className="primary" type="button" onClick={() => setCreating(true)}>
          New segment
        </button>
      </header>
      <div className="filters" role="search">
        <label>
          <span className="sr-only">Search segments</span>
          <input
            type="search"
            placeholder="Search by key or name"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
        <label>
          <input
            type="checkbox"
            checked={archived}
            onChange={(e) => setArchived(e.target.checked)}
          />{' '}
          Archived
        </label>
      </div>
      {segments.error !== undefined ? (
        <ErrorBox error={segments.error} retry={segments.reload} />
      ) : !segments.data ? (
        <Loading what="Loading segments" />
      ) : segments.data.segments.length === 0 ? (
        <Empty>
          {query
            ? 'No segment matches.'
            : 'No segments yet. A segment is a reusable group of users for flag rules.'}
        </Empty>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Segment</th>
              <th scope="col">Included</th>
              <th scope="col">Excluded</th>
              <th scope="col">Rules</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {segments.data.segments.map((s) => (
              <tr key={s.id}>
                <td>
                  <a className="strong" href={href('segments', s.key)}>
                    {s.name}
                  </a>
                  <div className="muted mono">{s.key}</div>
                </td>
                <td>{s.included.length}</td>
                <td>{s.excluded.length}</td>
                <td>{s.rules.length}</td>
                <td className="muted">{s.updatedAt?.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {segments.data?.page?.nextPageToken && (
        <p className="muted">Showing the first 200 segments; search to find others.</p>
      )}
      {creating && <CreateSegmentDialog onClose={() => setCreating(false)} />}
    </section>
  );
}

function CreateSegmentDialog({ onClose }: { onClose: () => void }) {
  const { api, env } = useSession();
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const action = useAction();
  const server = action.error instanceof VaneCallError ? action.error.fieldErrors : {};
  return (
    <Dialog title="New segment" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const p: Record<string, string> = {};
          if (!/^[a-zA-Z0-9._-]{1,128}$/.test(key))
            p.key = 'Use 1–128 letters, digits, dots, dashes or underscores.';
          if (name.trim() === '') p.name = 'Give the segment a name.';
          setProblems(p);
          if (Object.keys(p).length > 0) return;
          void action
            .run(() =>
              api.segments.createSegment({
                envId: env.id,
                segment: {
                  id: '',
                  envId: env.id,
                  key,
                  name: name.trim(),
                  description: '',
                  tags: [],
                  included: [],
                  excluded: [],
                  rules: [],
                  isArchived: false,
                  creatorId: '',
                  updaterId: '',
                  revision: 0,
                  version: 0,
                },
                comment: '',
              }),
            )
            .then((r) => {
              if (r?.segment) navigate('segments', r.segment.key);
            });
        }}
      >
        <TextField
          label="Name"
          value={name}
          autoFocus
          onChange={(v) => {
            setName(v);
            if (key === '' || key === slug(name)) setKey(slug(v));
          }}
          errors={problems.name ?? server['segment.name']}
        />
        <TextField
          label="Key"
          value={key}
          onChange={setKey}
          errors={problems.key ?? server['segment.key']}
        />
        {action.error !== undefined && <ErrorBox error={action.error} />}
        <footer>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={action.busy}>
            Create segment
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
