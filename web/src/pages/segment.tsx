// One segment: included and excluded users, rules, the flags that use it, archive/restore. Saved
// with the revision it was loaded at, so a concurrent change shows as a conflict.
import { useEffect, useMemo, useState } from 'react';
import type { Segment } from '@vane/gen/web/vane/model/v1/segment';
import { VaneCallError } from '@vane/grpc-client/web';
import type { ConditionDraft } from '../model/conditions.js';
import { conditionFromProto, conditionProblems, conditionToProto } from '../model/conditions.js';
import { errorsAt } from '../model/flag-draft.js';
import { ChipsInput, ErrorBox, Loading, TextField, newId, useAction } from '../ui/components.js';
import { href, navigate } from '../ui/router.js';
import { useSession } from '../ui/session.js';
import { useLoad } from '../ui/use-load.js';
import { ConditionList } from './flag-targeting.js';

interface SegmentDraft {
  name: string;
  description: string;
  included: string[];
  excluded: string[];
  rules: { id: string; name: string; conditions: ConditionDraft[] }[];
}

const draftOf = (s: Segment): SegmentDraft => ({
  name: s.name,
  description: s.description,
  included: s.included,
  excluded: s.excluded,
  rules: s.rules.map((r) => ({
    id: r.id,
    name: r.name,
    conditions: r.conditions.map(conditionFromProto),
  })),
});

/** Problems of a segment draft, keyed by the admin API's field paths. */
function validate(d: SegmentDraft): Record<string, string> {
  const out: Record<string, string> = {};
  if (d.name.trim() === '') out['segment.name'] = 'Give the segment a name.';
  const both = d.included.filter((k) => d.excluded.includes(k));
  if (both.length > 0)
    out['segment.excluded'] = `Both included and excluded: ${both.join(', ')} (excluded wins).`;
  d.rules.forEach((r, i) => {
    if (r.conditions.length === 0)
      out[`segment.rules[${i}].conditions`] = 'Add at least one condition.';
    r.conditions.forEach((c, j) => {
      for (const [f, m] of Object.entries(conditionProblems(c, false)))
        out[`segment.rules[${i}].conditions[${j}].${f}`] = m;
    });
  });
  return out;
}

/** The segment page. */
export function SegmentPage({ segmentKey }: { segmentKey: string }) {
  const { api, env } = useSession();
  const loaded = useLoad(
    () => api.segments.getSegment({ envId: env.id, key: segmentKey }),
    [api, env.id, segmentKey],
  );
  const refs = useLoad(
    () => api.segments.listSegmentReferences({ envId: env.id, key: segmentKey }),
    [api, env.id, segmentKey],
  );
  const properties = useLoad(
    () => api.endUsers.listEndUserProperties({ envId: env.id }),
    [api, env.id],
  );
  const [segment, setSegment] = useState<Segment>();
  const [draft, setDraft] = useState<SegmentDraft>();
  const [showErrors, setShowErrors] = useState(false);
  const save = useAction();
  const archive = useAction();
  useEffect(() => {
    if (loaded.data?.segment) {
      setSegment(loaded.data.segment);
      setDraft(draftOf(loaded.data.segment));
    }
  }, [loaded.data]);
  const local = useMemo(() => (draft ? validate(draft) : {}), [draft]);
  if (loaded.error !== undefined) return <ErrorBox error={loaded.error} retry={loaded.reload} />;
  if (!segment || !draft) return <Loading what="Loading the segment" />;
  const server = save.error instanceof VaneCallError ? save.error.fieldErrors : {};
  const errors = { ...server, ...(showErrors ? local : {}) };
  const conflict = save.error instanceof VaneCallError && save.error.isConflict;
  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(segment));
  const propertyNames = [
    'keyId',
    'name',
    ...(properties.data?.properties ?? []).filter((p) => !p.isBuiltin).map((p) => p.name),
  ];
  const onSaved = (s: Segment | undefined) => {
    if (s) {
      setSegment(s);
      setDraft(draftOf(s));
      setShowErrors(false);
    }
  };
  return (
    <section className="segment-page">
      <header className="page-head">
        <div>
          <a href={href('segments')} className="muted">
            ← Segments
          </a>
          <h1>
            {segment.name} <span className="mono muted small">{segment.key}</span>
          </h1>
          <div className="muted">
            Revision {segment.revision}
            {segment.isArchived && ' · archived'}
          </div>
        </div>
        <div className="row">
          <button
            type="button"
            disabled={archive.busy}
            onClick={() =>
              void archive
                .run(() =>
                  segment.isArchived
                    ? api.segments.restoreSegment({
                        envId: env.id,
                        key: segment.key,
                        expectedRevision: segment.revision,
                        comment: '',
                      })
                    : api.segments.archiveSegment({
                        envId: env.id,
                        key: segment.key,
                        expectedRevision: segment.revision,
                        comment: '',
                      }),
                )
                .then((r) => onSaved(r?.segment))
            }
          >
            {segment.isArchived ? 'Restore' : 'Archive'}
          </button>
          {segment.isArchived && (
            <button
              type="button"
              className="danger"
              onClick={() => {
                if (!window.confirm(`Delete segment ${segment.key} for good?`)) return;
                void archive
                  .run(() =>
                    api.segments.deleteSegment({
                      envId: env.id,
                      key: segment.key,
                      expectedRevision: segment.revision,
                      comment: '',
                    }),
                  )
                  .then((r) => r && navigate('segments'));
              }}
            >
              Delete
            </button>
          )}
        </div>
      </header>
      {archive.error !== undefined && <ErrorBox error={archive.error} />}
      {conflict && (
        <div className="conflict" role="alert">
          <strong>Someone else saved this segment first.</strong> Your changes were not saved.
          Reload to see their version.
          <div className="row">
            <button
              type="button"
              className="primary"
              onClick={() => {
                save.clear();
                loaded.reload();
              }}
            >
              Reload their version
            </button>
          </div>
        </div>
      )}
      {save.error !== undefined && !conflict && <ErrorBox error={save.error} />}
      <div className="columns">
        <div className="stack">
          <section className="card">
            <h2>Details</h2>
            <TextField
              label="Name"
              value={draft.name}
              onChange={(name) => setDraft({ ...draft, name })}
              errors={errorsAt(errors, 'segment.name')}
            />
            <TextField
              label="Description"
              value={draft.description}
              onChange={(description) => setDraft({ ...draft, description })}
            />
          </section>
          <section className="card">
            <h2>Users</h2>
            <ChipsInput
              label="Always included"
              values={draft.included}
              onChange={(included) => setDraft({ ...draft, included })}
              errors={errorsAt(errors, 'segment.included')}
              placeholder="User key, then Enter"
            />
            <ChipsInput
              label="Always excluded"
              values={draft.excluded}
              onChange={(excluded) => setDraft({ ...draft, excluded })}
              errors={errorsAt(errors, 'segment.excluded')}
              placeholder="User key, then Enter"
            />
          </section>
          <section className="card">
            <h2>Rules</h2>
            <p className="muted">
              A user is in the segment when any rule matches (and they are not excluded).
            </p>
            {draft.rules.map((r, i) => (
              <div key={r.id} className="rule card">
                <header>
                  <label className="grow">
                    <span className="sr-only">Rule {i + 1} name</span>
                    <input
                      value={r.name}
                      placeholder={`Rule ${i + 1}`}
                      aria-label={`Segment rule ${i + 1} name`}
                      onChange={(e) =>
                        setDraft({
                          ...draft,
                          rules: draft.rules.map((x, j) =>
                            j === i ? { ...x, name: e.target.value } : x,
                          ),
                        })
                      }
                    />
                  </label>
                  <button
                    type="button"
                    className="ghost danger"
                    onClick={() =>
                      setDraft({ ...draft, rules: draft.rules.filter((_, j) => j !== i) })
                    }
                  >
                    Delete rule
                  </button>
                </header>
                <ConditionList
                  conditions={r.conditions}
                  onChange={(conditions) =>
                    setDraft({
                      ...draft,
                      rules: draft.rules.map((x, j) => (j === i ? { ...x, conditions } : x)),
                    })
                  }
                  segments={[]}
                  properties={propertyNames}
                  allowSegments={false}
                  errors={errors}
                  path={`segment.rules[${i}]`}
                />
              </div>
            ))}
            <button
              type="button"
              onClick={() =>
                setDraft({
                  ...draft,
                  rules: [...draft.rules, { id: newId(), name: '', conditions: [] }],
                })
              }
            >
              Add rule
            </button>
          </section>
        </div>
        <aside className="card">
          <h2>Used by</h2>
          {refs.error !== undefined ? (
            <ErrorBox error={refs.error} retry={refs.reload} />
          ) : !refs.data ? (
            <Loading />
          ) : refs.data.references.length === 0 ? (
            <p className="muted">No flag uses this segment.</p>
          ) : (
            <ul>
              {refs.data.references.map((r) => (
                <li key={r.flagId}>
                  <a href={href('flags', r.flagKey)}>{r.flagName}</a>{' '}
                  <span className="muted mono">{r.flagKey}</span>
                  {r.flagIsArchived && <span className="badge">archived</span>}
                  <div className="muted small">
                    {r.ruleIds.length} rule{r.ruleIds.length === 1 ? '' : 's'}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </aside>
      </div>
      <div className="save-bar">
        <span>{dirty ? 'You have unsaved changes.' : 'No changes.'}</span>
        <button
          type="button"
          disabled={!dirty}
          onClick={() => {
            setDraft(draftOf(segment));
            save.clear();
          }}
        >
          Discard
        </button>
        <button
          type="button"
          className="primary"
          disabled={!dirty || save.busy || segment.isArchived}
          onClick={() => {
            setShowErrors(true);
            if (Object.keys(local).length > 0) return;
            void save
              .run(() =>
                api.segments.updateSegment({
                  envId: env.id,
                  key: segment.key,
                  segment: {
                    ...segment,
                    name: draft.name.trim(),
                    description: draft.description,
                    included: draft.included,
                    excluded: draft.excluded,
                    rules: draft.rules.map((r) => ({
                      id: r.id,
                      name: r.name,
                      conditions: r.conditions.map(conditionToProto),
                    })),
                  },
                  updateMask: ['name', 'description', 'included', 'excluded', 'rules'],
                  expectedRevision: segment.revision,
                  comment: '',
                }),
              )
              .then((r) => onSaved(r?.segment));
          }}
        >
          Save
        </button>
      </div>
    </section>
  );
}
