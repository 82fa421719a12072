// The targeting editors of the flag page: individual targets, rules with their condition builder
// (every operator, segment conditions) and the percentage-rollout editor used by rules and the
// fallthrough.
import { useId, useState } from 'react';
import type { Segment } from '@vane/gen/web/vane/model/v1/segment';
import type { TargetUser, Variation } from '@vane/gen/web/vane/model/v1/flag';
import type { ConditionDraft } from '../model/conditions.js';
import {
  OPERATORS,
  newAttributeCondition,
  newSegmentCondition,
  operatorInfo,
} from '../model/conditions.js';
import type { RolloutDraft, RuleDraft } from '../model/flag-draft.js';
import { errorsAt } from '../model/flag-draft.js';
import { sharesFromRollout } from '../model/rollout.js';
import { ChipsInput, Field, newId } from '../ui/components.js';

const variationLabel = (v: Variation) => (v.name ? `${v.name} (${v.value})` : v.value);

/** Picks one variation. */
export function VariationSelect(props: {
  label: string;
  value: string;
  variations: readonly Variation[];
  onChange: (id: string) => void;
  errors?: readonly string[] | undefined;
}) {
  return (
    <Field label={props.label} errors={props.errors}>
      {(id, describedBy, invalid) => (
        <select
          id={id}
          value={props.value}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          onChange={(e) => props.onChange(e.target.value)}
        >
          {!props.variations.some((v) => v.id === props.value) && <option value="">Choose…</option>}
          {props.variations.map((v) => (
            <option key={v.id} value={v.id}>
              {variationLabel(v)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A rollout: one variation for everyone, or a percentage per variation that adds up to 100. */
export function RolloutEditor(props: {
  label: string;
  value: RolloutDraft;
  variations: readonly Variation[];
  onChange: (r: RolloutDraft) => void;
  errors: readonly string[];
}) {
  const { value, variations } = props;
  const name = useId();
  const shares = variations.map(
    (v) =>
      value.shares.find((s) => s.variationId === v.id) ?? {
        variationId: v.id,
        percent: 0,
        exptRollout: 1,
      },
  );
  const total = shares.reduce((sum, s) => sum + Math.round(s.percent * 100), 0) / 100;
  return (
    <fieldset className="rollout">
      <legend>{props.label}</legend>
      <div className="radio-row">
        <label>
          <input
            type="radio"
            name={name}
            checked={value.mode === 'single'}
            onChange={() => props.onChange({ ...value, mode: 'single' })}
          />{' '}
          Serve one variation
        </label>
        <label>
          <input
            type="radio"
            name={name}
            checked={value.mode === 'split'}
            onChange={() => {
              const seeded =
                shares.every((s) => s.percent === 0) && value.variationId
                  ? shares.map((s) => ({
                      ...s,
                      percent: s.variationId === value.variationId ? 100 : 0,
                    }))
                  : shares;
              props.onChange({ ...value, mode: 'split', shares: seeded });
            }}
          />{' '}
          Percentage rollout
        </label>
      </div>
      {value.mode === 'single' ? (
        <VariationSelect
          label="Variation"
          value={value.variationId}
          variations={variations}
          onChange={(id) => props.onChange({ ...value, variationId: id })}
        />
      ) : (
        <div className="shares">
          {variations.map((v, i) => (
            <label key={v.id} className="share">
              <span>{variationLabel(v)}</span>
              <input
                type="number"
                min={0}
                max={100}
                step="any"
                aria-label={`Percent for ${variationLabel(v)}`}
                value={Number.isFinite(shares[i]!.percent) ? shares[i]!.percent : ''}
                onChange={(e) => {
                  const percent = e.target.value === '' ? 0 : Number(e.target.value);
                  props.onChange({
                    ...value,
                    shares: shares.map((s, j) => (j === i ? { ...s, percent } : s)),
                  });
                }}
              />
              <span aria-hidden="true">%</span>
              <span className="bar" aria-hidden="true">
                <span style={{ width: `${Math.max(0, Math.min(100, shares[i]!.percent))}%` }} />
              </span>
            </label>
          ))}
          <div className={total === 100 ? 'muted' : 'warn'}>Total {total} %</div>
        </div>
      )}
      {props.errors.length > 0 && (
        <div className="field-error" role="alert">
          {props.errors.join(' ')}
        </div>
      )}
    </fieldset>
  );
}

/** The rollout draft seeded from a flag's variations, for a new rule. */
export function newRolloutDraft(variations: readonly Variation[]): RolloutDraft {
  return {
    mode: 'single',
    variationId: variations[0]?.id ?? '',
    shares: sharesFromRollout([], variations),
  };
}

/** One condition of a rule: attribute, operator, operand, or segments. */
function ConditionRow(props: {
  condition: ConditionDraft;
  index: number;
  segments: readonly Segment[];
  properties: readonly string[];
  allowSegments: boolean;
  onChange: (c: ConditionDraft) => void;
  onRemove: () => void;
  errors: Record<string, string>;
  path: string;
}) {
  const c = props.condition;
  const err = (f: string) => errorsAt(props.errors, `${props.path}.${f}`);
  const listId = useId();
  return (
    <div className="condition" role="group" aria-label={`Condition ${props.index + 1}`}>
      <span className="lead">{props.index === 0 ? 'If' : 'And'}</span>
      {c.kind === 'segment' ? (
        <>
          <Field label="User" errors={err('property')}>
            {(id) => (
              <select
                id={id}
                value={c.negate ? 'not' : 'in'}
                onChange={(e) => props.onChange({ ...c, negate: e.target.value === 'not' })}
              >
                <option value="in">is in segment</option>
                <option value="not">is not in segment</option>
              </select>
            )}
          </Field>
          <Field label="Segments" errors={err('value')}>
            {(id, describedBy, invalid) => (
              <select
                id={id}
                multiple
                aria-invalid={invalid}
                aria-describedby={describedBy}
                value={[...c.segmentIds]}
                onChange={(e) =>
                  props.onChange({
                    ...c,
                    segmentIds: [...e.target.selectedOptions].map((o) => o.value),
                  })
                }
              >
                {props.segments.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name} ({s.key})
                  </option>
                ))}
              </select>
            )}
          </Field>
        </>
      ) : (
        <>
          <Field label="Attribute" errors={err('property')}>
            {(id, describedBy, invalid) => (
              <>
                <input
                  id={id}
                  list={listId}
                  value={c.property}
                  aria-invalid={invalid}
                  aria-describedby={describedBy}
                  onChange={(e) => props.onChange({ ...c, property: e.target.value })}
                />
                <datalist id={listId}>
                  {props.properties.map((p) => (
                    <option key={p} value={p} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
          <Field label="Operator" errors={err('op')}>
            {(id, describedBy, invalid) => (
              <select
                id={id}
                value={c.op}
                aria-invalid={invalid}
                aria-describedby={describedBy}
                onChange={(e) => props.onChange({ ...c, op: e.target.value })}
              >
                {!operatorInfo(c.op) && <option value={c.op}>{c.op || 'Choose…'}</option>}
                {OPERATORS.map((o) => (
                  <option key={o.op} value={o.op}>
                    {o.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {operatorInfo(c.op)?.operand === 'list' ? (
            <ChipsInput
              label="Values"
              values={c.values}
              onChange={(values) => props.onChange({ ...c, values })}
              errors={err('value')}
            />
          ) : operatorInfo(c.op)?.operand === 'none' ? (
            <span className="muted operand-none">no value needed</span>
          ) : (
            <Field label="Value" errors={err('value')}>
              {(id, describedBy, invalid) => (
                <input
                  id={id}
                  value={c.value}
                  aria-invalid={invalid}
                  aria-describedby={describedBy}
                  inputMode={operatorInfo(c.op)?.operand === 'number' ? 'decimal' : undefined}
                  placeholder={placeholder(operatorInfo(c.op)?.operand)}
                  onChange={(e) => props.onChange({ ...c, value: e.target.value })}
                />
              )}
            </Field>
          )}
        </>
      )}
      <button
        type="button"
        className="ghost"
        aria-label={`Remove condition ${props.index + 1}`}
        onClick={props.onRemove}
      >
        Remove
      </button>
    </div>
  );
}

function placeholder(kind: string | undefined): string {
  switch (kind) {
    case 'number':
      return '42';
    case 'regex':
      return '^beta-';
    case 'semver':
      return '1.4.0';
    case 'instant':
      return '2026-01-31T00:00:00Z';
    default:
      return '';
  }
}

/** The conditions of a rule, with "add condition" and "add segment condition". */
export function ConditionList(props: {
  conditions: readonly ConditionDraft[];
  onChange: (c: ConditionDraft[]) => void;
  segments: readonly Segment[];
  properties: readonly string[];
  allowSegments: boolean;
  errors: Record<string, string>;
  path: string;
}) {
  const set = (i: number, c: ConditionDraft) =>
    props.onChange(props.conditions.map((x, j) => (j === i ? c : x)));
  const listErrors = errorsAt(props.errors, `${props.path}.conditions`, true);
  return (
    <div className="conditions">
      {props.conditions.map((c, i) => (
        <ConditionRow
          key={c.id}
          condition={c}
          index={i}
          segments={props.segments}
          properties={props.properties}
          allowSegments={props.allowSegments}
          onChange={(x) => set(i, x)}
          onRemove={() => props.onChange(props.conditions.filter((_, j) => j !== i))}
          errors={props.errors}
          path={`${props.path}.conditions[${i}]`}
        />
      ))}
      {listErrors.length > 0 && (
        <div className="field-error" role="alert">
          {listErrors.join(' ')}
        </div>
      )}
      <div className="row">
        <button
          type="button"
          onClick={() => props.onChange([...props.conditions, newAttributeCondition(newId())])}
        >
          Add condition
        </button>
        {props.allowSegments && (
          <button
            type="button"
            onClick={() => props.onChange([...props.conditions, newSegmentCondition(newId())])}
          >
            Add segment condition
          </button>
        )}
      </div>
    </div>
  );
}

/** One targeting rule: name, conditions, rollout, and moving/removing it. */
export function RuleCard(props: {
  rule: RuleDraft;
  index: number;
  count: number;
  variations: readonly Variation[];
  segments: readonly Segment[];
  properties: readonly string[];
  errors: Record<string, string>;
  onChange: (r: RuleDraft) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  const { rule, index } = props;
  const path = `flag.rules[${index}]`;
  const [open, setOpen] = useState(true);
  return (
    <section className="rule card" aria-label={`Rule ${index + 1}: ${rule.name || 'unnamed'}`}>
      <header>
        <button type="button" className="ghost" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'} Rule {index + 1}
        </button>
        <label className="grow">
          <span className="sr-only">Rule name</span>
          <input
            value={rule.name}
            placeholder="Rule name, e.g. Beta users"
            aria-label={`Rule ${index + 1} name`}
            aria-invalid={errorsAt(props.errors, `${path}.name`).length > 0}
            onChange={(e) => props.onChange({ ...rule, name: e.target.value })}
          />
        </label>
        <button
          type="button"
          className="ghost"
          disabled={index === 0}
          aria-label="Move rule up"
          onClick={() => props.onMove(-1)}
        >
          ↑
        </button>
        <button
          type="button"
          className="ghost"
          disabled={index === props.count - 1}
          aria-label="Move rule down"
          onClick={() => props.onMove(1)}
        >
          ↓
        </button>
        <button type="button" className="ghost danger" onClick={props.onRemove}>
          Delete rule
        </button>
      </header>
      {errorsAt(props.errors, `${path}.name`).length > 0 && (
        <div className="field-error" role="alert">
          {errorsAt(props.errors, `${path}.name`).join(' ')}
        </div>
      )}
      {open && (
        <>
          <ConditionList
            conditions={rule.conditions}
            onChange={(conditions) => props.onChange({ ...rule, conditions })}
            segments={props.segments}
            properties={props.properties}
            allowSegments
            errors={props.errors}
            path={path}
          />
          <RolloutEditor
            label="Then serve"
            value={rule.rollout}
            variations={props.variations}
            onChange={(rollout) => props.onChange({ ...rule, rollout })}
            errors={errorsAt(props.errors, `${path}.variations`)}
          />
          <details>
            <summary>Advanced</summary>
            <label>
              Split by attribute{' '}
              <input
                value={rule.dispatchKey}
                placeholder="keyId"
                onChange={(e) => props.onChange({ ...rule, dispatchKey: e.target.value })}
              />
            </label>
            <label>
              <input
                type="checkbox"
                checked={rule.includedInExpt}
                onChange={(e) => props.onChange({ ...rule, includedInExpt: e.target.checked })}
              />{' '}
              Count users of this rule in experiments
            </label>
          </details>
        </>
      )}
    </section>
  );
}

/** Individual targeting: for each variation, the user keys that always get it. */
export function TargetsEditor(props: {
  targets: readonly TargetUser[];
  variations: readonly Variation[];
  onChange: (t: TargetUser[]) => void;
  errors: Record<string, string>;
}) {
  return (
    <div className="targets">
      {props.variations.map((v) => {
        const index = props.targets.findIndex((t) => t.variationId === v.id);
        const keys = index >= 0 ? props.targets[index]!.keyIds : [];
        return (
          <ChipsInput
            key={v.id}
            label={`Users who get ${variationLabel(v)}`}
            values={keys}
            placeholder="User key, then Enter"
            errors={index >= 0 ? errorsAt(props.errors, `flag.target_users[${index}]`) : undefined}
            onChange={(keyIds) => {
              const rest = props.targets.filter((t) => t.variationId !== v.id);
              props.onChange(keyIds.length > 0 ? [...rest, { variationId: v.id, keyIds }] : rest);
            }}
          />
        );
      })}
    </div>
  );
}
