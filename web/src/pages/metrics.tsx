// Metrics: what experiments measure (a conversion event or a numeric value), list and create.
import { useState } from 'react';
import { ArchivedFilter } from '@vane/gen/web/vane/common/v1/query';
import { MetricType, SuccessCriterion } from '@vane/gen/web/vane/model/v1/metric';
import { VaneCallError } from '@vane/grpc-client/web';
import { Dialog, Empty, ErrorBox, Field, Loading, TextField, useAction } from '../ui/components.js';
import { useSession } from '../ui/session.js';
import { useLoad } from '../ui/use-load.js';

/** The metrics of the environment. */
export function MetricsPage() {
  const { api, env } = useSession();
  const [creating, setCreating] = useState(false);
  const metrics = useLoad(
    () =>
      api.metrics.listMetrics({
        envId: env.id,
        page: { pageSize: 200, pageToken: '' },
        query: '',
        type: 0,
        archived: ArchivedFilter.ARCHIVED_FILTER_ACTIVE,
        tags: [],
        tagMatch: 0,
      }),
    [api, env.id],
  );
  return (
    <section>
      <header className="page-head">
        <h1>Metrics</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New metric
        </button>
      </header>
      {metrics.error !== undefined ? (
        <ErrorBox error={metrics.error} retry={metrics.reload} />
      ) : !metrics.data ? (
        <Loading what="Loading metrics" />
      ) : metrics.data.metrics.length === 0 ? (
        <Empty>
          No metrics yet. A metric names the event SDKs track (e.g. “checkout-completed”).
        </Empty>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">Event</th>
              <th scope="col">Type</th>
              <th scope="col">Better when</th>
            </tr>
          </thead>
          <tbody>
            {metrics.data.metrics.map((m) => (
              <tr key={m.id}>
                <td className="strong">{m.name}</td>
                <td className="mono">{m.eventName}</td>
                <td>
                  {m.type === MetricType.METRIC_TYPE_NUMERIC
                    ? `numeric${m.unit ? ` (${m.unit})` : ''}`
                    : 'conversion'}
                </td>
                <td>
                  {m.successCriterion === SuccessCriterion.SUCCESS_CRITERION_LOWER_IS_BETTER
                    ? 'lower'
                    : 'higher'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && (
        <CreateMetricDialog
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            metrics.reload();
          }}
        />
      )}
    </section>
  );
}

function CreateMetricDialog(props: { onClose: () => void; onCreated: () => void }) {
  const { api, env } = useSession();
  const [name, setName] = useState('');
  const [eventName, setEventName] = useState('');
  const [type, setType] = useState(MetricType.METRIC_TYPE_CONVERSION);
  const [criterion, setCriterion] = useState(SuccessCriterion.SUCCESS_CRITERION_HIGHER_IS_BETTER);
  const [unit, setUnit] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const action = useAction();
  const server = action.error instanceof VaneCallError ? action.error.fieldErrors : {};
  return (
    <Dialog title="New metric" onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const p: Record<string, string> = {};
          if (name.trim() === '') p.name = 'Give the metric a name.';
          if (eventName.trim() === '') p.eventName = 'Name the event SDKs track.';
          setProblems(p);
          if (Object.keys(p).length > 0) return;
          void action
            .run(() =>
              api.metrics.createMetric({
                envId: env.id,
                metric: {
                  id: '',
                  envId: env.id,
                  name: name.trim(),
                  description: '',
                  eventName: eventName.trim(),
                  type,
                  successCriterion: criterion,
                  unit,
                  tags: [],
                  isArchived: false,
                  creatorId: '',
                  updaterId: '',
                  revision: 0,
                },
              }),
            )
            .then((r) => r && props.onCreated());
        }}
      >
        <TextField
          label="Name"
          value={name}
          onChange={setName}
          errors={problems.name ?? server['metric.name']}
          autoFocus
        />
        <TextField
          label="Event name"
          value={eventName}
          onChange={setEventName}
          errors={problems.eventName ?? server['metric.event_name']}
          hint="The name SDKs pass to track()."
        />
        <Field label="Type">
          {(id) => (
            <select id={id} value={type} onChange={(e) => setType(Number(e.target.value))}>
              <option value={MetricType.METRIC_TYPE_CONVERSION}>
                Conversion (did the user do it?)
              </option>
              <option value={MetricType.METRIC_TYPE_NUMERIC}>Numeric (how much?)</option>
            </select>
          )}
        </Field>
        {type === MetricType.METRIC_TYPE_NUMERIC && (
          <TextField label="Unit" value={unit} onChange={setUnit} errors={server['metric.unit']} />
        )}
        <Field label="Better when">
          {(id) => (
            <select
              id={id}
              value={criterion}
              onChange={(e) => setCriterion(Number(e.target.value))}
            >
              <option value={SuccessCriterion.SUCCESS_CRITERION_HIGHER_IS_BETTER}>Higher</option>
              <option value={SuccessCriterion.SUCCESS_CRITERION_LOWER_IS_BETTER}>Lower</option>
            </select>
          )}
        </Field>
        {action.error !== undefined && <ErrorBox error={action.error} />}
        <footer>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={action.busy}>
            Create metric
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
