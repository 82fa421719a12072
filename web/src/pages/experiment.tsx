// One experiment: start/stop iterations, and the results of an iteration: per-variation numbers,
// lift with confidence intervals, chance to beat the baseline, the sample-ratio warning and the
// winner.
import { useState } from 'react';
import { ExperimentStatus } from '@vane/gen/web/vane/admin/v1/experiment_service';
import type { Experiment } from '@vane/gen/web/vane/admin/v1/experiment_service';
import { MetricType } from '@vane/gen/web/vane/model/v1/metric';
import { formatP, resultRows } from '../model/results.js';
import { ErrorBox, Loading, When, useAction } from '../ui/components.js';
import { IntervalChart, seriesColor } from '../ui/charts.js';
import { href } from '../ui/router.js';
import { useSession } from '../ui/session.js';
import { useLoad } from '../ui/use-load.js';
import { statusName } from './experiments.js';

/** The experiment page. */
export function ExperimentPage({ id }: { id: string }) {
  const { api, env } = useSession();
  const loaded = useLoad(() => api.experiments.getExperiment({ id }), [api, id]);
  const [override, setOverride] = useState<Experiment>();
  const experiment = override ?? loaded.data?.experiment;
  const flag = useLoad(
    async () =>
      experiment ? api.flags.getFeatureFlag({ envId: env.id, key: experiment.flagKey }) : undefined,
    [api, env.id, experiment?.flagKey],
  );
  const metric = useLoad(
    async () => (experiment ? api.metrics.getMetric({ id: experiment.metricId }) : undefined),
    [api, experiment?.metricId],
  );
  const [iterationId, setIterationId] = useState('');
  const action = useAction();
  if (loaded.error !== undefined) return <ErrorBox error={loaded.error} retry={loaded.reload} />;
  if (!experiment) return <Loading what="Loading the experiment" />;
  const running = experiment.status === ExperimentStatus.EXPERIMENT_STATUS_RUNNING;
  const iterations = [...experiment.iterations].reverse();
  const selected = iterations.find((i) => i.id === iterationId) ?? iterations[0];
  return (
    <section>
      <header className="page-head">
        <div>
          <a href={href('experiments')} className="muted">
            ← Experiments
          </a>
          <h1>{experiment.name || `${experiment.flagKey} experiment`}</h1>
          <div className="muted">
            Flag <a href={href('flags', experiment.flagKey)}>{experiment.flagKey}</a> · metric{' '}
            {metric.data?.metric?.name ?? '…'} · {Math.round((1 - experiment.alpha) * 100)} %
            intervals · <span className="badge">{statusName(experiment.status)}</span>
          </div>
        </div>
        <div className="row">
          {!experiment.isArchived && (
            <button
              type="button"
              disabled={action.busy}
              onClick={() => {
                if (!window.confirm('Archive this experiment? A running iteration is stopped.'))
                  return;
                void action
                  .run(() =>
                    api.experiments.archiveExperiment({
                      id: experiment.id,
                      expectedRevision: experiment.revision,
                    }),
                  )
                  .then((r) => r?.experiment && setOverride(r.experiment));
              }}
            >
              Archive
            </button>
          )}
          {running ? (
            <button
              type="button"
              disabled={action.busy}
              onClick={() =>
                void action
                  .run(() =>
                    api.experiments.stopIteration({
                      experimentId: experiment.id,
                      expectedRevision: experiment.revision,
                    }),
                  )
                  .then((r) => r?.experiment && setOverride(r.experiment))
              }
            >
              Stop iteration
            </button>
          ) : (
            <button
              type="button"
              className="primary"
              disabled={action.busy || experiment.isArchived}
              onClick={() =>
                void action
                  .run(() =>
                    api.experiments.startIteration({
                      experimentId: experiment.id,
                      description: '',
                      expectedRevision: experiment.revision,
                    }),
                  )
                  .then((r) => {
                    if (r?.experiment) {
                      setOverride(r.experiment);
                      setIterationId('');
                    }
                  })
              }
            >
              Start {experiment.iterations.length > 0 ? 'a new iteration' : 'the experiment'}
            </button>
          )}
        </div>
      </header>
      {action.error !== undefined && <ErrorBox error={action.error} />}
      {experiment.isArchived && (
        <p className="muted">This experiment is archived; its results are kept.</p>
      )}
      {iterations.length === 0 ? (
        <div className="empty">
          Not started yet. Start it to begin counting exposures and conversions.
        </div>
      ) : (
        <>
          <label>
            Iteration{' '}
            <select value={selected?.id ?? ''} onChange={(e) => setIterationId(e.target.value)}>
              {iterations.map((i, n) => (
                <option key={i.id} value={i.id}>
                  #{iterations.length - n} from {i.startedAt?.toLocaleString()}
                  {i.endedAt ? ` to ${i.endedAt.toLocaleString()}` : ' (running)'}
                </option>
              ))}
            </select>
          </label>
          {selected && (
            <Results
              key={selected.id}
              experiment={experiment}
              iterationId={selected.id}
              numeric={metric.data?.metric?.type === MetricType.METRIC_TYPE_NUMERIC}
              variationName={(vid) => {
                const v = flag.data?.flag?.variations.find((x) => x.id === vid);
                return v ? v.name || v.value : vid.slice(0, 8);
              }}
              started={selected.startedAt}
            />
          )}
        </>
      )}
    </section>
  );
}

function Results(props: {
  experiment: Experiment;
  iterationId: string;
  numeric: boolean;
  variationName: (id: string) => string;
  started: Date | undefined;
}) {
  const { api } = useSession();
  const results = useLoad(
    () =>
      api.experiments.getExperimentResults({
        experimentId: props.experiment.id,
        iterationId: props.iterationId,
      }),
    [api, props.experiment.id, props.iterationId],
  );
  const r = results.data?.results;
  if (results.error !== undefined) return <ErrorBox error={results.error} retry={results.reload} />;
  if (!r) return <Loading what="Computing results" />;
  const rows = resultRows(r, props.variationName);
  const winner = rows.find((x) => x.winner);
  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  return (
    <div className="stack results">
      <div className="row">
        <span className="muted">
          {r.exposedUsers} exposed users · computed <When date={r.computedAt} />
        </span>
        <button type="button" onClick={results.reload}>
          Refresh
        </button>
      </div>
      {r.srm?.checked && r.srm.mismatch && (
        <div className="warning" role="alert">
          <strong>Sample ratio mismatch.</strong> Traffic does not match the intended split (χ² ={' '}
          {r.srm.chiSquare.toFixed(2)}, p {formatP(r.srm.pValue).startsWith('<') ? '' : '= '}
          {formatP(r.srm.pValue)}). Something is skewing who gets which variation; do not trust
          these results until the cause is found.
        </div>
      )}
      {winner ? (
        <div className="winner" role="status">
          ★ <strong>{winner.name}</strong> is the winner.
        </div>
      ) : (
        rows.length > 0 && <div className="muted">No winner yet.</div>
      )}
      {r.exposedUsers === 0 && (
        <div className="empty">
          No exposures yet. Results appear once SDKs evaluate the flag and send events.
        </div>
      )}
      {rows.length > 0 && (
        <>
          <div className="variation-cards">
            {rows.map((row, i) => (
              <section
                key={row.id}
                className={row.winner ? 'card variation-card winner-card' : 'card variation-card'}
                aria-label={`Variation ${row.name}`}
              >
                <h3>
                  <span className="swatch" style={{ background: seriesColor(i) }} /> {row.name}
                  {row.baseline && <span className="badge">baseline</span>}
                  {row.winner && <span className="badge win">winner</span>}
                </h3>
                <div className="big">{props.numeric ? row.mean.toFixed(2) : pct(row.rate)}</div>
                <div className="muted">{props.numeric ? 'mean value' : 'conversion rate'}</div>
                <div className="meter" aria-hidden="true">
                  <span
                    style={{
                      width: `${Math.min(100, row.rate * 100)}%`,
                      background: seriesColor(i),
                    }}
                  />
                </div>
                <dl>
                  <dt>Users</dt>
                  <dd>{row.users}</dd>
                  <dt>Conversions</dt>
                  <dd>{row.conversions}</dd>
                  {!row.baseline && (
                    <>
                      <dt>Lift</dt>
                      <dd>{row.lift === undefined ? '–' : pct(row.lift)}</dd>
                      <dt>Interval</dt>
                      <dd>
                        {row.ciLower === undefined
                          ? '–'
                          : `${pct(row.ciLower)} … ${pct(row.ciUpper!)}`}
                      </dd>
                      <dt>p-value</dt>
                      <dd>{row.pValue === undefined ? '–' : formatP(row.pValue)}</dd>
                      <dt>Chance to beat baseline</dt>
                      <dd>{row.chanceToBeat === undefined ? '–' : pct(row.chanceToBeat)}</dd>
                    </>
                  )}
                </dl>
                {row.invalid && <div className="warn small">{row.invalid}</div>}
              </section>
            ))}
          </div>
          {rows.some((x) => !x.baseline && x.ciLower !== undefined) && (
            <section className="card">
              <h2>Lift over the baseline</h2>
              <IntervalChart
                title="Relative lift of each variation over the baseline with its confidence interval"
                rows={rows
                  .filter((x) => !x.baseline && x.ciLower !== undefined)
                  .map((x) => ({
                    name: x.name,
                    value: x.lift ?? 0,
                    lower: x.ciLower!,
                    upper: x.ciUpper!,
                    highlight: x.winner,
                  }))}
              />
            </section>
          )}
        </>
      )}
    </div>
  );
}
