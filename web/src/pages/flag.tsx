// The flag page: targeting (on/off, targets, rules, fallthrough, off variation), variations and
// details, history (revisions and audit log) and insights. Edits are kept in a draft; "Review and
// save" shows the diff, then saves with the revision it started from, so a concurrent save by
// someone else is reported as a conflict instead of being overwritten.
import { useEffect, useMemo, useState } from 'react';
import type { FeatureFlag } from '@vane/gen/web/vane/model/v1/flag';
import { VariationType } from '@vane/gen/web/vane/model/v1/flag';
import { ArchivedFilter } from '@vane/gen/web/vane/common/v1/query';
import { VaneCallError } from '@vane/grpc-client/web';
import { describeFlag, diffLines, hasChanges } from '../model/diff.js';
import type { FlagDraft } from '../model/flag-draft.js';
import {
  FLAG_EDIT_PATHS,
  addVariation,
  draftFromFlag,
  errorsAt,
  flagFromDraft,
  removeVariation,
  validateDraft,
} from '../model/flag-draft.js';
import {
  ChipsInput,
  Dialog,
  ErrorBox,
  Loading,
  Switch,
  TextField,
  newId,
  useAction,
} from '../ui/components.js';
import { DiffView } from '../ui/diff-view.js';
import { href, navigate } from '../ui/router.js';
import { useSession } from '../ui/session.js';
import { useLoad } from '../ui/use-load.js';
import {
  RolloutEditor,
  RuleCard,
  TargetsEditor,
  VariationSelect,
  newRolloutDraft,
} from './flag-targeting.js';
import { FlagHistory } from './flag-history.js';
import { FlagInsights } from './flag-insights.js';
import { FlagPreview } from './flag-preview.js';

const TABS: [string, string][] = [
  ['targeting', 'Targeting'],
  ['variations', 'Variations & details'],
  ['history', 'History'],
  ['insights', 'Insights'],
];

/** One flag. */
export function FlagPage({ flagKey, tab }: { flagKey: string; tab: string }) {
  const { api, env } = useSession();
  const loaded = useLoad(
    () => api.flags.getFeatureFlag({ envId: env.id, key: flagKey }),
    [api, env.id, flagKey],
  );
  const segments = useLoad(
    () =>
      api.segments.listSegments({
        envId: env.id,
        page: { pageSize: 500, pageToken: '' },
        query: '',
        tags: [],
        tagMatch: 0,
        archived: ArchivedFilter.ARCHIVED_FILTER_ALL,
        ids: [],
        orderBy: 'name',
      }),
    [api, env.id],
  );
  const properties = useLoad(
    () => api.endUsers.listEndUserProperties({ envId: env.id }),
    [api, env.id],
  );
  const [flag, setFlag] = useState<FeatureFlag>();
  const [draft, setDraft] = useState<FlagDraft>();
  useEffect(() => {
    if (loaded.data?.flag) {
      setFlag(loaded.data.flag);
      setDraft(draftFromFlag(loaded.data.flag));
    }
  }, [loaded.data]);

  if (loaded.error !== undefined) return <ErrorBox error={loaded.error} retry={loaded.reload} />;
  if (!flag || !draft) return <Loading what="Loading the flag" />;
  const segmentList = segments.data?.segments ?? [];
  const propertyNames = [
    'keyId',
    'name',
    ...(properties.data?.properties ?? []).filter((p) => !p.isBuiltin).map((p) => p.name),
  ];
  return (
    <FlagEditor
      key={flag.id}
      flag={flag}
      draft={draft}
      setDraft={setDraft}
      onSaved={(f) => {
        setFlag(f);
        setDraft(draftFromFlag(f));
      }}
      onRebased={(f) => {
        setFlag(f);
        setDraft((d) => (d ? { ...d, base: f } : draftFromFlag(f)));
      }}
      reload={loaded.reload}
      tab={tab}
      segments={segmentList}
      properties={[...new Set(propertyNames)]}
    />
  );
}

function FlagEditor(props: {
  flag: FeatureFlag;
  draft: FlagDraft;
  setDraft: (d: FlagDraft) => void;
  onSaved: (f: FeatureFlag) => void;
  /** The flag changed by this user outside the draft (toggle): keep the draft's edits. */
  onRebased: (f: FeatureFlag) => void;
  reload: () => void;
  tab: string;
  segments: Parameters<typeof RuleCard>[0]['segments'];
  properties: string[];
}) {
  const { api, env } = useSession();
  const { flag, draft, setDraft } = props;
  const [reviewing, setReviewing] = useState(false);
  const [showErrors, setShowErrors] = useState(false);
  const save = useAction();
  const toggle = useAction();
  const archive = useAction();
  const local = useMemo(() => validateDraft(draft), [draft]);
  const server = save.error instanceof VaneCallError ? save.error.fieldErrors : {};
  const errors = { ...server, ...(showErrors ? local : {}) };
  const segmentName = (id: string) => props.segments.find((s) => s.id === id)?.name ?? id;
  const diff = useMemo(
    () =>
      diffLines(describeFlag(flag, segmentName), describeFlag(flagFromDraft(draft), segmentName)),
    [flag, draft, props.segments],
  );
  const dirty = hasChanges(diff);
  const conflict = save.error instanceof VaneCallError && save.error.isConflict;
  const variations = draft.variations;

  const doSave = async (comment: string) => {
    const r = await save.run(() =>
      api.flags.updateFeatureFlag({
        envId: env.id,
        key: flag.key,
        flag: flagFromDraft(draft),
        updateMask: FLAG_EDIT_PATHS,
        expectedRevision: flag.revision,
        comment,
      }),
    );
    setReviewing(false);
    if (r?.flag) props.onSaved(r.flag);
  };

  return (
    <section className="flag-page">
      <header className="page-head">
        <div>
          <a href={href('flags')} className="muted">
            ← Feature flags
          </a>
          <h1>
            {flag.name} <span className="mono muted small">{flag.key}</span>
          </h1>
          <div className="muted">
            Revision {flag.revision} · {variationTypeName(flag.variationType)}
            {flag.tags.length > 0 && ` · ${flag.tags.join(', ')}`}
          </div>
        </div>
        <div className="row">
          {flag.isArchived ? (
            <span className="badge">archived</span>
          ) : (
            <label className="row">
              <Switch
                label={flag.isEnabled ? 'Turn the flag off' : 'Turn the flag on'}
                checked={flag.isEnabled}
                disabled={toggle.busy}
                onChange={(enabled) =>
                  void toggle
                    .run(() =>
                      api.flags.toggleFeatureFlag({
                        envId: env.id,
                        key: flag.key,
                        enabled,
                        expectedRevision: flag.revision,
                        comment: '',
                      }),
                    )
                    .then((r) => {
                      if (r?.flag) props.onRebased(r.flag);
                    })
                }
              />
              <strong>{flag.isEnabled ? 'On' : 'Off'}</strong>
            </label>
          )}
          <button
            type="button"
            disabled={archive.busy}
            onClick={() =>
              void archive
                .run(() =>
                  flag.isArchived
                    ? api.flags.restoreFeatureFlag({
                        envId: env.id,
                        key: flag.key,
                        expectedRevision: flag.revision,
                        comment: '',
                      })
                    : api.flags.archiveFeatureFlag({
                        envId: env.id,
                        key: flag.key,
                        expectedRevision: flag.revision,
                        comment: '',
                      }),
                )
                .then((r) => {
                  if (r?.flag) props.onSaved(r.flag);
                })
            }
          >
            {flag.isArchived ? 'Restore' : 'Archive'}
          </button>
          {flag.isArchived && (
            <button
              type="button"
              className="danger"
              onClick={() => {
                if (!window.confirm(`Delete ${flag.key} for good?`)) return;
                void archive
                  .run(() =>
                    api.flags.deleteFeatureFlag({
                      envId: env.id,
                      key: flag.key,
                      expectedRevision: flag.revision,
                      comment: '',
                    }),
                  )
                  .then((r) => {
                    if (r) navigate('flags');
                  });
              }}
            >
              Delete
            </button>
          )}
        </div>
      </header>
      {toggle.error !== undefined && <ErrorBox error={toggle.error} retry={props.reload} />}
      {archive.error !== undefined && <ErrorBox error={archive.error} />}
      <nav className="tabs" aria-label="Flag sections">
        {TABS.map(([id, label]) => (
          <a
            key={id}
            href={href('flags', flag.key, id)}
            aria-current={props.tab === id ? 'page' : undefined}
          >
            {label}
          </a>
        ))}
      </nav>

      {conflict && (
        <div className="conflict" role="alert">
          <strong>Someone else saved this flag first.</strong> It is now at revision{' '}
          {(save.error as VaneCallError).info?.currentRevision || 'newer'}, and your changes were
          not saved. Reload to see their version; your edits will be discarded.
          <div className="row">
            <button
              type="button"
              className="primary"
              onClick={() => {
                save.clear();
                props.reload();
              }}
            >
              Reload their version
            </button>
          </div>
        </div>
      )}
      {save.error !== undefined && !conflict && <ErrorBox error={save.error} />}

      {props.tab === 'targeting' && (
        <div className="stack">
          <section className="card">
            <h2>Individual targets</h2>
            <TargetsEditor
              targets={draft.targetUsers}
              variations={variations}
              errors={errors}
              onChange={(targetUsers) => setDraft({ ...draft, targetUsers })}
            />
          </section>
          <h2>Rules</h2>
          {draft.rules.length === 0 && (
            <p className="muted">No rules: everyone gets the default below.</p>
          )}
          {draft.rules.map((rule, i) => (
            <RuleCard
              key={rule.id}
              rule={rule}
              index={i}
              count={draft.rules.length}
              variations={variations}
              segments={props.segments}
              properties={props.properties}
              errors={errors}
              onChange={(r) =>
                setDraft({ ...draft, rules: draft.rules.map((x, j) => (j === i ? r : x)) })
              }
              onMove={(delta) => {
                const rules = [...draft.rules];
                const [moved] = rules.splice(i, 1);
                rules.splice(i + delta, 0, moved!);
                setDraft({ ...draft, rules });
              }}
              onRemove={() => setDraft({ ...draft, rules: draft.rules.filter((_, j) => j !== i) })}
            />
          ))}
          <div>
            <button
              type="button"
              onClick={() =>
                setDraft({
                  ...draft,
                  rules: [
                    ...draft.rules,
                    {
                      id: newId(),
                      name: '',
                      dispatchKey: '',
                      includedInExpt: true,
                      conditions: [],
                      rollout: newRolloutDraft(variations),
                    },
                  ],
                })
              }
            >
              Add rule
            </button>
          </div>
          <section className="card">
            <h2>Default rule</h2>
            <RolloutEditor
              label="Everyone else gets"
              value={draft.fallthrough.rollout}
              variations={variations}
              onChange={(rollout) =>
                setDraft({ ...draft, fallthrough: { ...draft.fallthrough, rollout } })
              }
              errors={errorsAt(errors, 'flag.fallthrough')}
            />
          </section>
          <section className="card">
            <h2>When the flag is off</h2>
            <VariationSelect
              label="Serve"
              value={draft.disabledVariationId}
              variations={variations}
              onChange={(disabledVariationId) => setDraft({ ...draft, disabledVariationId })}
              errors={errorsAt(errors, 'flag.disabled_variation_id')}
            />
          </section>
          <FlagPreview flag={flag} />
        </div>
      )}

      {props.tab === 'variations' && (
        <div className="stack">
          <section className="card">
            <h2>Details</h2>
            <TextField
              label="Name"
              value={draft.name}
              onChange={(name) => setDraft({ ...draft, name })}
              errors={errorsAt(errors, 'flag.name')}
            />
            <TextField
              label="Description"
              value={draft.description}
              onChange={(description) => setDraft({ ...draft, description })}
              errors={errorsAt(errors, 'flag.description')}
            />
            <ChipsInput
              label="Tags"
              values={draft.tags}
              onChange={(tags) => setDraft({ ...draft, tags })}
              errors={errorsAt(errors, 'flag.tags')}
            />
            <label>
              <input
                type="checkbox"
                checked={draft.exptIncludeAllTargets}
                onChange={(e) => setDraft({ ...draft, exptIncludeAllTargets: e.target.checked })}
              />{' '}
              Count every user in experiments (otherwise per rule)
            </label>
          </section>
          <section className="card">
            <h2>Variations</h2>
            {errorsAt(errors, 'flag.variations', true).length > 0 && (
              <div className="field-error" role="alert">
                {errorsAt(errors, 'flag.variations', true).join(' ')}
              </div>
            )}
            {variations.map((v, i) => (
              <div className="row variation" key={v.id}>
                <TextField
                  label={`Variation ${i + 1} name`}
                  value={v.name}
                  onChange={(name) =>
                    setDraft({
                      ...draft,
                      variations: variations.map((x, j) => (j === i ? { ...x, name } : x)),
                    })
                  }
                  errors={errorsAt(errors, `flag.variations[${i}].name`)}
                />
                <TextField
                  label={`Variation ${i + 1} value`}
                  value={v.value}
                  onChange={(value) =>
                    setDraft({
                      ...draft,
                      variations: variations.map((x, j) => (j === i ? { ...x, value } : x)),
                    })
                  }
                  errors={errorsAt(errors, `flag.variations[${i}].value`)}
                />
                {flag.variationType !== VariationType.VARIATION_TYPE_BOOLEAN && (
                  <button
                    type="button"
                    className="ghost danger"
                    disabled={variations.length <= 1}
                    onClick={() => setDraft(removeVariation(draft, v.id))}
                  >
                    Remove
                  </button>
                )}
              </div>
            ))}
            {flag.variationType !== VariationType.VARIATION_TYPE_BOOLEAN && (
              <button type="button" onClick={() => setDraft(addVariation(draft, newId()))}>
                Add variation
              </button>
            )}
          </section>
        </div>
      )}

      {props.tab === 'history' && <FlagHistory flag={flag} segmentName={segmentName} />}
      {props.tab === 'insights' && <FlagInsights flag={flag} />}

      {(props.tab === 'targeting' || props.tab === 'variations') && (
        <div className="save-bar" aria-live="polite">
          <span>{dirty ? 'You have unsaved changes.' : 'No changes.'}</span>
          <button
            type="button"
            disabled={!dirty}
            onClick={() => {
              save.clear();
              setShowErrors(false);
              props.setDraft(draftFromFlag(flag));
            }}
          >
            Discard
          </button>
          <button
            type="button"
            className="primary"
            disabled={!dirty || flag.isArchived}
            onClick={() => {
              setShowErrors(true);
              if (Object.keys(local).length === 0) setReviewing(true);
            }}
          >
            Review and save
          </button>
          {showErrors && Object.keys(local).length > 0 && (
            <span className="field-error" role="alert">
              Fix the {Object.keys(local).length} problem
              {Object.keys(local).length === 1 ? '' : 's'} marked above first.
            </span>
          )}
        </div>
      )}
      {reviewing && (
        <ReviewDialog
          diff={diff}
          busy={save.busy}
          onClose={() => setReviewing(false)}
          onSave={doSave}
        />
      )}
    </section>
  );
}

function ReviewDialog(props: {
  diff: ReturnType<typeof diffLines>;
  busy: boolean;
  onClose: () => void;
  onSave: (comment: string) => Promise<void>;
}) {
  const [comment, setComment] = useState('');
  return (
    <Dialog title="Review your changes" onClose={props.onClose} wide>
      <DiffView diff={props.diff} />
      <TextField
        label="Comment (optional)"
        value={comment}
        onChange={setComment}
        hint="Stored with the revision and the audit log."
      />
      <footer>
        <button type="button" onClick={props.onClose}>
          Keep editing
        </button>
        <button
          type="button"
          className="primary"
          disabled={props.busy}
          onClick={() => void props.onSave(comment)}
        >
          {props.busy ? 'Saving…' : 'Save changes'}
        </button>
      </footer>
    </Dialog>
  );
}

/** "Boolean", "String"… */
export function variationTypeName(t: VariationType): string {
  return (
    (
      {
        [VariationType.VARIATION_TYPE_BOOLEAN]: 'Boolean',
        [VariationType.VARIATION_TYPE_STRING]: 'String',
        [VariationType.VARIATION_TYPE_NUMBER]: 'Number',
        [VariationType.VARIATION_TYPE_JSON]: 'JSON',
      } as Record<number, string>
    )[t] ?? 'Unknown type'
  );
}
