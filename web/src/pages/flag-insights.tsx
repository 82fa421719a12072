// Flag insights: evaluations per variation over time, and totals.
import { useState } from 'react';
import { BucketInterval } from '@vane/gen/web/vane/analytics/v1/insights_service';
import type { FeatureFlag } from '@vane/gen/web/vane/model/v1/flag';
import { insightSeries } from '../model/insights.js';
import { Empty, ErrorBox, Loading } from '../ui/components.js';
import { LineChart } from '../ui/charts.js';
import { useSession } from '../ui/session.js';
import { useLoad } from '../ui/use-load.js';

const WINDOWS: [string, number, BucketInterval][] = [
  ['Last hour', 3_600_000, BucketInterval.BUCKET_INTERVAL_MINUTE],
  ['Last 24 hours', 86_400_000, BucketInterval.BUCKET_INTERVAL_HOUR],
  ['Last 7 days', 7 * 86_400_000, BucketInterval.BUCKET_INTERVAL_DAY],
];

/** The insights tab of a flag. */
export function FlagInsights({ flag }: { flag: FeatureFlag }) {
  const { api, env } = useSession();
  const [window, setWindow] = useState(1);
  const [label, span, interval] = WINDOWS[window]!;
  const insights = useLoad(() => {
    const end = new Date(Date.now() + 60_000);
    return api.flags.getFeatureFlagInsights({
      envId: env.id,
      key: flag.key,
      timeRange: { startTime: new Date(end.getTime() - span), endTime: end },
      interval,
    });
  }, [api, env.id, flag.key, window]);
  const data = insights.data?.insights;
  const series = data ? insightSeries(data, flag.variations) : [];
  return (
    <section className="card">
      <header className="page-head">
        <h2>Evaluations per variation</h2>
        <div className="row">
          <label>
            Window{' '}
            <select value={window} onChange={(e) => setWindow(Number(e.target.value))}>
              {WINDOWS.map(([l], i) => (
                <option key={l} value={i}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={insights.reload}>
            Refresh
          </button>
        </div>
      </header>
      {insights.error !== undefined ? (
        <ErrorBox error={insights.error} retry={insights.reload} />
      ) : !data ? (
        <Loading what="Loading insights" />
      ) : series.every((s) => s.points.length === 0) ? (
        <Empty>
          No evaluations in the {label.toLowerCase()}. SDKs report evaluations as users get this
          flag.
        </Empty>
      ) : (
        <>
          <LineChart
            series={series}
            title={`Evaluations of ${flag.key} per variation, ${label.toLowerCase()}`}
          />
          <table className="list compact">
            <thead>
              <tr>
                <th scope="col">Variation</th>
                <th scope="col">Evaluations</th>
                <th scope="col">Users</th>
              </tr>
            </thead>
            <tbody>
              {data.totals.map((t) => (
                <tr key={t.variationId}>
                  <td>{series.find((s) => s.id === t.variationId)?.name ?? t.variationId}</td>
                  <td>{t.evaluations}</td>
                  <td>{t.uniqueUsers}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">{data.uniqueUsers} distinct users in total.</p>
        </>
      )}
    </section>
  );
}
