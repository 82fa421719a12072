// Experiments: the list and "new experiment" (a flag, a metric, a baseline variation).
import { useState } from 'react';
import { ExperimentStatus } from '@vane/gen/web/vane/admin/v1/experiment_service';
import { ArchivedFilter } from '@vane/gen/web/vane/common/v1/query';
import { VaneCallError } from '@vane/grpc-client/web';
import { Dialog, Empty, ErrorBox, Field, Loading, TextField, useAction } from '../ui/components.js';
import { href, navigate } from '../ui/router.js';
import { useSession } from '../ui/session.js';
import { useLoad } from '../ui/use-load.js';

/** "running", "stopped"… */
export function statusName(s: ExperimentStatus): string {
  return (ExperimentStatus[s] ?? 'UNKNOWN')
    .replace('EXPERIMENT_STATUS_', '')
    .toLowerCase()
    .replace('_', ' ');
}

/** The experiments of the environment. */
export function ExperimentsPage() {
  const { api, env } = useSession();
  const [creating, setCreating] = useState(false);
  const experiments = useLoad(
    () =>
      api.experiments.listExperiments({
        envId: env.id,
        page: { pageSize: 200, pageToken: '' },
        flagKey: '',
        metricId: '',
        statuses: [],
        archived: ArchivedFilter.ARCHIVED_FILTER_ACTIVE,
      }),
    [api, env.id],
  );
  return (
    <section>
      <header className="page-head">
        <h1>Experiments</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New experiment
        </button>
      </header>
      {experiments.error !== undefined ? (
        <ErrorBox error={experiments.error} retry={experiments.reload} />
      ) : !experiments.data ? (
        <Loading what="Loading experiments" />
      ) : experiments.data.experiments.length === 0 ? (
        <Empty>No experiments yet. An experiment compares a flag’s variations on a metric.</Empty>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Experiment</th>
              <th scope="col">Flag</th>
              <th scope="col">Status</th>
              <th scope="col">Iterations</th>
            </tr>
          </thead>
          <tbody>
            {experiments.data.experiments.map((x) => (
              <tr key={x.id}>
                <td>
                  <a className="strong" href={href('experiments', x.id)}>
                    {x.name || `${x.flagKey} experiment`}
                  </a>
                </td>
                <td className="mono">{x.flagKey}</td>
                <td>
                  <span className={`badge ${statusName(x.status).replace(' ', '-')}`}>
                    {statusName(x.status)}
                  </span>
                </td>
                <td>{x.iterations.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <CreateExperimentDialog onClose={() => setCreating(false)} />}
    </section>
  );
}

function CreateExperimentDialog({ onClose }: { onClose: () => void }) {
  const { api, env } = useSession();
  const flags = useLoad(
    () =>
      api.flags.listFeatureFlags({
        envId: env.id,
        page: { pageSize: 500, pageToken: '' },
        query: '',
        tags: [],
        tagMatch: 0,
        archived: ArchivedFilter.ARCHIVED_FILTER_ACTIVE,
        orderBy: 'key',
      }),
    [api, env.id],
  );
  const metrics = useLoad(
    () =>
      api.metrics.listMetrics({
        envId: env.id,
        page: { pageSize: 500, pageToken: '' },
        query: '',
        type: 0,
        archived: ArchivedFilter.ARCHIVED_FILTER_ACTIVE,
        tags: [],
        tagMatch: 0,
      }),
    [api, env.id],
  );
  const [name, setName] = useState('');
  const [flagId, setFlagId] = useState('');
  const [metricId, setMetricId] = useState('');
  const [baseline, setBaseline] = useState('');
  const [alpha, setAlpha] = useState('0.05');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const action = useAction();
  const server = action.error instanceof VaneCallError ? action.error.fieldErrors : {};
  const flag = flags.data?.flags.find((f) => f.id === flagId);
  if (flags.error !== undefined || metrics.error !== undefined)
    return (
      <Dialog title="New experiment" onClose={onClose}>
        <ErrorBox error={flags.error ?? metrics.error} />
      </Dialog>
    );
  return (
    <Dialog title="New experiment" onClose={onClose}>
      {!flags.data || !metrics.data ? (
        <Loading />
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const p: Record<string, string> = {};
            if (!flag) p.flag = 'Choose the flag whose variations are compared.';
            if (!metricId) p.metric = 'Choose a metric (create one on the Metrics page).';
            if (!flag?.variations.some((v) => v.id === baseline))
              p.baseline = 'Choose the baseline variation.';
            const a = Number(alpha);
            if (!(a > 0 && a < 0.5)) p.alpha = 'Between 0 and 0.5, e.g. 0.05 for 95 % intervals.';
            setProblems(p);
            if (Object.keys(p).length > 0 || !flag) return;
            void action
              .run(() =>
                api.experiments.createExperiment({
                  envId: env.id,
                  experiment: {
                    id: '',
                    envId: env.id,
                    name: name.trim(),
                    description: '',
                    flagId: flag.id,
                    flagKey: flag.key,
                    metricId,
                    baselineVariationId: baseline,
                    alpha: a,
                    status: 0,
                    iterations: [],
                    isArchived: false,
                    creatorId: '',
                    updaterId: '',
                    revision: 0,
                  },
                }),
              )
              .then((r) => r?.experiment && navigate('experiments', r.experiment.id));
          }}
        >
          <TextField
            label="Name"
            value={name}
            onChange={setName}
            errors={server['experiment.name']}
            autoFocus
          />
          <Field label="Flag" errors={problems.flag ?? server['experiment.flag_id']}>
            {(id, d, invalid) => (
              <select
                id={id}
                value={flagId}
                aria-invalid={invalid}
                aria-describedby={d}
                onChange={(e) => {
                  setFlagId(e.target.value);
                  setBaseline('');
                }}
              >
                <option value="">Choose…</option>
                {flags.data!.flags.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.name} ({f.key})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Metric" errors={problems.metric ?? server['experiment.metric_id']}>
            {(id, d, invalid) => (
              <select
                id={id}
                value={metricId}
                aria-invalid={invalid}
                aria-describedby={d}
                onChange={(e) => setMetricId(e.target.value)}
              >
                <option value="">Choose…</option>
                {metrics.data!.metrics.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name} ({m.eventName})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="Baseline variation"
            errors={problems.baseline ?? server['experiment.baseline_variation_id']}
          >
            {(id, d, invalid) => (
              <select
                id={id}
                value={baseline}
                aria-invalid={invalid}
                aria-describedby={d}
                onChange={(e) => setBaseline(e.target.value)}
              >
                <option value="">Choose…</option>
                {flag?.variations.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name || v.value}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TextField
            label="Significance level (alpha)"
            value={alpha}
            onChange={setAlpha}
            errors={problems.alpha ?? server['experiment.alpha']}
          />
          {action.error !== undefined && <ErrorBox error={action.error} />}
          <footer>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={action.busy}>
              Create experiment
            </button>
          </footer>
        </form>
      )}
    </Dialog>
  );
}
