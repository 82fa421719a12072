// "Test a user": what the saved flag serves to a given user, evaluated by the admin API exactly as
// ELS would (EvaluateFeatureFlags records nothing).
import { useState } from 'react';
import type { EvaluationResult } from '@vane/gen/web/vane/model/v1/evaluation';
import type { FeatureFlag } from '@vane/gen/web/vane/model/v1/flag';
import { ChipsInput, ErrorBox, TextField, useAction } from '../ui/components.js';
import { useSession } from '../ui/session.js';

/** Parses `name=value` chips into custom properties, or says which chip is malformed. */
export function parseProperties(
  chips: readonly string[],
): { name: string; value: string }[] | string {
  const out: { name: string; value: string }[] = [];
  for (const chip of chips) {
    const at = chip.indexOf('=');
    if (at <= 0) return `“${chip}” is not name=value.`;
    out.push({ name: chip.slice(0, at).trim(), value: chip.slice(at + 1).trim() });
  }
  return out;
}

/** The preview card of the targeting tab. */
export function FlagPreview({ flag }: { flag: FeatureFlag }) {
  const { api, env } = useSession();
  const [keyId, setKeyId] = useState('');
  const [name, setName] = useState('');
  const [props, setProps] = useState<string[]>([]);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [result, setResult] = useState<EvaluationResult>();
  const action = useAction();
  return (
    <section className="card">
      <h2>Test a user</h2>
      <p className="muted">
        What the saved version of this flag serves to a user (nothing is recorded).
      </p>
      <form
        className="preview"
        onSubmit={(e) => {
          e.preventDefault();
          const parsed = parseProperties(props);
          const p: Record<string, string> = {};
          if (keyId.trim() === '') p.keyId = 'Enter the user’s key.';
          if (typeof parsed === 'string') p.props = parsed;
          setProblems(p);
          if (Object.keys(p).length > 0 || typeof parsed === 'string') return;
          void action
            .run(() =>
              api.flags.evaluateFeatureFlags({
                envId: env.id,
                user: { keyId: keyId.trim(), name, customProperties: parsed },
                keys: [flag.key],
              }),
            )
            .then((r) => setResult(r?.results[0]));
        }}
      >
        <TextField label="User key" value={keyId} onChange={setKeyId} errors={problems.keyId} />
        <TextField label="User name" value={name} onChange={setName} />
        <ChipsInput
          label="Properties"
          values={props}
          onChange={setProps}
          placeholder="country=NL, then Enter"
          errors={problems.props}
        />
        <button type="submit" disabled={action.busy}>
          Evaluate
        </button>
      </form>
      {action.error !== undefined && <ErrorBox error={action.error} />}
      {result && (
        <p role="status" className="preview-result">
          Serves <strong className="mono">{result.value}</strong> ({result.reason})
        </p>
      )}
    </section>
  );
}
