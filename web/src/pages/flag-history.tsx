// A flag's history: its revisions (each with the diff to the one before) and its audit log.
import { useState } from 'react';
import { AuditAction } from '@vane/gen/web/vane/admin/v1/audit_log_service';
import { ResourceType } from '@vane/gen/web/vane/common/v1/resource';
import type { FeatureFlag } from '@vane/gen/web/vane/model/v1/flag';
import { describeFlag, diffLines } from '../model/diff.js';
import { Empty, ErrorBox, Loading, When } from '../ui/components.js';
import { DiffView } from '../ui/diff-view.js';
import { useSession } from '../ui/session.js';
import { useLoad } from '../ui/use-load.js';

/** "update", "toggle"… */
export function actionName(a: AuditAction): string {
  return (AuditAction[a] ?? 'UNKNOWN')
    .replace('AUDIT_ACTION_', '')
    .toLowerCase()
    .replace(/_/g, ' ');
}

/** Revisions and audit-log entries of one flag. */
export function FlagHistory({
  flag,
  segmentName,
}: {
  flag: FeatureFlag;
  segmentName: (id: string) => string;
}) {
  const { api, env } = useSession();
  const [open, setOpen] = useState<number>();
  const revisions = useLoad(
    () =>
      api.flags.listFeatureFlagRevisions({
        envId: env.id,
        key: flag.key,
        page: { pageSize: 50, pageToken: '' },
      }),
    [api, env.id, flag.key, flag.revision],
  );
  const audit = useLoad(
    () =>
      api.auditLog.listAuditLogEntries({
        page: { pageSize: 50, pageToken: '' },
        projectId: '',
        envId: env.id,
        resourceType: ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
        resourceId: flag.id,
        actorId: '',
        actions: [],
        query: '',
      }),
    [api, env.id, flag.id, flag.revision],
  );
  const list = revisions.data?.revisions ?? [];
  return (
    <div className="stack">
      <section className="card">
        <h2>Revisions</h2>
        {revisions.error !== undefined ? (
          <ErrorBox error={revisions.error} retry={revisions.reload} />
        ) : !revisions.data ? (
          <Loading what="Loading revisions" />
        ) : list.length === 0 ? (
          <Empty>No revisions recorded yet.</Empty>
        ) : (
          <ol className="revisions">
            {list.map((r, i) => {
              const previous = list[i + 1];
              return (
                <li key={r.revision}>
                  <button
                    type="button"
                    className="ghost"
                    aria-expanded={open === r.revision}
                    onClick={() => setOpen(open === r.revision ? undefined : r.revision)}
                  >
                    Revision {r.revision} · {actionName(r.action)} · <When date={r.createdAt} />
                    {r.comment && <> · “{r.comment}”</>}
                  </button>
                  {open === r.revision && r.flag && (
                    <DiffView
                      diff={diffLines(
                        previous?.flag ? describeFlag(previous.flag, segmentName) : [],
                        describeFlag(r.flag, segmentName),
                      )}
                    />
                  )}
                </li>
              );
            })}
          </ol>
        )}
      </section>
      <section className="card">
        <h2>Audit log</h2>
        {audit.error !== undefined ? (
          <ErrorBox error={audit.error} retry={audit.reload} />
        ) : !audit.data ? (
          <Loading what="Loading the audit log" />
        ) : audit.data.entries.length === 0 ? (
          <Empty>No entries.</Empty>
        ) : (
          <table className="list">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Comment</th>
              </tr>
            </thead>
            <tbody>
              {audit.data.entries.map((e) => (
                <tr key={e.id}>
                  <td>
                    <When date={e.createdAt} />
                  </td>
                  <td>{e.actorName || e.actorId}</td>
                  <td>
                    {actionName(e.action)} (revision {e.revision})
                  </td>
                  <td>{e.comment}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
