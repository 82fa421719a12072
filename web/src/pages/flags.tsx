// The flag list: search, tag and status filters, a toggle on each row, and "new flag".
import { useState } from 'react';
import { ArchivedFilter, TagMatchMode } from '@vane/gen/web/vane/common/v1/query';
import type { FeatureFlag } from '@vane/gen/web/vane/model/v1/flag';
import { VariationType } from '@vane/gen/web/vane/model/v1/flag';
import { VaneCallError } from '@vane/grpc-client/web';
import {
  Dialog,
  Empty,
  ErrorBox,
  Field,
  Loading,
  Switch,
  TextField,
  newId,
  useAction,
} from '../ui/components.js';
import { describeRollout } from '../model/rollout.js';
import { href, navigate } from '../ui/router.js';
import { useSession } from '../ui/session.js';
import { useLoad } from '../ui/use-load.js';

type Status = 'all' | 'on' | 'off' | 'archived';

/** The flags of the current environment. */
export function FlagsPage() {
  const { api, env } = useSession();
  const [query, setQuery] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  const [status, setStatus] = useState<Status>('all');
  const [creating, setCreating] = useState(false);
  const tagList = useLoad(() => api.flags.listFeatureFlagTags({ envId: env.id }), [api, env.id]);
  const flags = useLoad(
    () =>
      api.flags.listFeatureFlags({
        envId: env.id,
        page: { pageSize: 200, pageToken: '' },
        query,
        tags,
        tagMatch: TagMatchMode.TAG_MATCH_MODE_ALL,
        ...(status === 'on' ? { isEnabled: true } : status === 'off' ? { isEnabled: false } : {}),
        archived:
          status === 'archived'
            ? ArchivedFilter.ARCHIVED_FILTER_ARCHIVED
            : ArchivedFilter.ARCHIVED_FILTER_ACTIVE,
        orderBy: '',
      }),
    [api, env.id, query, tags.join('\n'), status],
  );
  return (
    <section>
      <header className="page-head">
        <h1>Feature flags</h1>
        <button className="primary" type="button" onClick={() => setCreating(true)}>
          New flag
        </button>
      </header>
      <div className="filters" role="search">
        <label>
          <span className="sr-only">Search flags</span>
          <input
            type="search"
            placeholder="Search by key or name"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            <option value="all">Active</option>
            <option value="on">On</option>
            <option value="off">Off</option>
            <option value="archived">Archived</option>
          </select>
        </label>
        <div className="tag-filter" aria-label="Filter by tag">
          {(tagList.data?.tags ?? []).map((t) => (
            <button
              key={t}
              type="button"
              className={tags.includes(t) ? 'chip on' : 'chip'}
              aria-pressed={tags.includes(t)}
              onClick={() => setTags(tags.includes(t) ? tags.filter((x) => x !== t) : [...tags, t])}
            >
              {t}
            </button>
          ))}
        </div>
      </div>
      {flags.error !== undefined ? (
        <ErrorBox error={flags.error} retry={flags.reload} />
      ) : !flags.data ? (
        <Loading what="Loading flags" />
      ) : flags.data.flags.length === 0 ? (
        <Empty>
          {query || tags.length > 0 || status !== 'all'
            ? 'No flag matches these filters.'
            : 'No flags yet. Create one with “New flag”.'}
        </Empty>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">On</th>
              <th scope="col">Flag</th>
              <th scope="col">Tags</th>
              <th scope="col">Serving</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {flags.data.flags.map((f) => (
              <FlagRow key={f.id} flag={f} onChanged={flags.reload} />
            ))}
          </tbody>
        </table>
      )}
      {flags.data?.page?.nextPageToken && (
        <p className="muted">Showing the first 200 flags; search or filter to find others.</p>
      )}
      {creating && (
        <CreateFlagDialog
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            navigate('flags', key);
          }}
        />
      )}
    </section>
  );
}

function FlagRow({ flag, onChanged }: { flag: FeatureFlag; onChanged: () => void }) {
  const { api, env } = useSession();
  const [current, setCurrent] = useState(flag);
  const action = useAction();
  const variation = (id: string) => {
    const v = current.variations.find((x) => x.id === id);
    return v ? v.name || v.value : '?';
  };
  return (
    <tr>
      <td>
        {current.isArchived ? (
          <span className="badge">archived</span>
        ) : (
          <Switch
            label={`Turn ${current.key} ${current.isEnabled ? 'off' : 'on'}`}
            checked={current.isEnabled}
            disabled={action.busy}
            onChange={(enabled) =>
              void action.run(async () => {
                const r = await api.flags.toggleFeatureFlag({
                  envId: env.id,
                  key: current.key,
                  enabled,
                  expectedRevision: current.revision,
                  comment: '',
                });
                if (r.flag) setCurrent(r.flag);
              })
            }
          />
        )}
        {action.error !== undefined && (
          <div className="row-error" role="alert">
            {action.error instanceof VaneCallError && action.error.isConflict ? (
              <>
                Changed by someone else.{' '}
                <button type="button" className="link" onClick={onChanged}>
                  Reload
                </button>
              </>
            ) : (
              <ErrorBox error={action.error} />
            )}
          </div>
        )}
      </td>
      <td>
        <a href={href('flags', current.key)} className="strong">
          {current.name}
        </a>
        <div className="muted mono">{current.key}</div>
      </td>
      <td>
        {current.tags.map((t) => (
          <span key={t} className="chip small">
            {t}
          </span>
        ))}
      </td>
      <td>
        {current.isEnabled
          ? `${current.rules.length} rule${current.rules.length === 1 ? '' : 's'}; otherwise ${describeRollout(current.fallthrough?.variations ?? [], current.variations)}`
          : `off: serves ${variation(current.disabledVariationId)}`}
      </td>
      <td className="muted">{current.updatedAt?.toLocaleString()}</td>
    </tr>
  );
}

const TYPES: [VariationType, string][] = [
  [VariationType.VARIATION_TYPE_BOOLEAN, 'Boolean'],
  [VariationType.VARIATION_TYPE_STRING, 'String'],
  [VariationType.VARIATION_TYPE_NUMBER, 'Number'],
  [VariationType.VARIATION_TYPE_JSON, 'JSON'],
];

function defaultVariations(type: VariationType) {
  switch (type) {
    case VariationType.VARIATION_TYPE_BOOLEAN:
      return [
        { id: newId(), name: 'On', value: 'true' },
        { id: newId(), name: 'Off', value: 'false' },
      ];
    case VariationType.VARIATION_TYPE_NUMBER:
      return [
        { id: newId(), name: '', value: '1' },
        { id: newId(), name: '', value: '0' },
      ];
    case VariationType.VARIATION_TYPE_JSON:
      return [
        { id: newId(), name: '', value: '{"enabled":true}' },
        { id: newId(), name: '', value: '{"enabled":false}' },
      ];
    default:
      return [
        { id: newId(), name: '', value: 'variant-a' },
        { id: newId(), name: '', value: 'variant-b' },
      ];
  }
}

/** "New flag": key, name, type (variations can be edited on the flag page). */
function CreateFlagDialog(props: { onClose: () => void; onCreated: (key: string) => void }) {
  const { api, env } = useSession();
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [type, setType] = useState(VariationType.VARIATION_TYPE_BOOLEAN);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const action = useAction();
  const server = action.error instanceof VaneCallError ? action.error.fieldErrors : {};
  const err = (f: string) => problems[f] ?? server[`flag.${f}`];
  return (
    <Dialog title="New flag" onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const p: Record<string, string> = {};
          if (!/^[a-zA-Z0-9._-]{1,128}$/.test(key))
            p.key = 'Use 1–128 letters, digits, dots, dashes or underscores.';
          if (name.trim() === '') p.name = 'Give the flag a name.';
          setProblems(p);
          if (Object.keys(p).length > 0) return;
          void action.run(async () => {
            const variations = defaultVariations(type);
            const r = await api.flags.createFeatureFlag({
              envId: env.id,
              flag: {
                id: '',
                envId: env.id,
                key,
                name: name.trim(),
                description,
                tags: [],
                variationType: type,
                variations,
                isEnabled: false,
                disabledVariationId: variations[1]!.id,
                targetUsers: [],
                rules: [],
                fallthrough: {
                  dispatchKey: '',
                  includedInExpt: true,
                  variations: [
                    {
                      variationId: variations[0]!.id,
                      rolloutStart: 0,
                      rolloutEnd: 1,
                      exptRollout: 1,
                    },
                  ],
                },
                exptIncludeAllTargets: true,
                isArchived: false,
                prerequisites: [],
                creatorId: '',
                updaterId: '',
                revision: 0,
                version: 0,
              },
              comment: '',
            });
            props.onCreated(r.flag?.key ?? key);
          });
        }}
      >
        <TextField
          label="Name"
          value={name}
          onChange={(v) => {
            setName(v);
            if (key === '' || key === slug(name)) setKey(slug(v));
          }}
          errors={err('name')}
          autoFocus
        />
        <TextField
          label="Key"
          value={key}
          onChange={setKey}
          errors={err('key')}
          hint="What SDKs evaluate by. It cannot change later."
        />
        <TextField
          label="Description"
          value={description}
          onChange={setDescription}
          errors={err('description')}
        />
        <Field label="Type">
          {(id) => (
            <select id={id} value={type} onChange={(e) => setType(Number(e.target.value))}>
              {TYPES.map(([t, label]) => (
                <option key={t} value={t}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {action.error !== undefined && <ErrorBox error={action.error} />}
        <footer>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button className="primary" type="submit" disabled={action.busy}>
            Create flag
          </button>
        </footer>
      </form>
    </Dialog>
  );
}

/** "New checkout!" → "new-checkout". */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 128);
}
