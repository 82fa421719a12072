// The signed-in frame: project and environment pickers, the navigation, and the routed page.
// With no project or environment yet it offers to create them.
import { useEffect, useMemo, useState } from 'react';
import type { Api } from '../api/client.js';
import { Status } from 'nice-grpc-web';
import { VaneCallError } from '@vane/grpc-client/web';
import { AccessTokensPage } from '../pages/access-tokens.js';
import { AuditLogPage } from '../pages/audit-log.js';
import { EndUserPage, EndUsersPage } from '../pages/end-users.js';
import { ExperimentPage } from '../pages/experiment.js';
import { ExperimentsPage } from '../pages/experiments.js';
import { FlagPage } from '../pages/flag.js';
import { FlagsPage } from '../pages/flags.js';
import { KeysPage } from '../pages/keys.js';
import { MetricsPage } from '../pages/metrics.js';
import { SegmentPage } from '../pages/segment.js';
import { SegmentsPage } from '../pages/segments.js';
import { SettingsPage } from '../pages/settings.js';
import { ErrorBox, Loading, TextField, useAction } from './components.js';
import { href, navigate, useRoute } from './router.js';
import { remembered, SessionContext } from './session.js';
import type { Session } from './session.js';
import { useLoad } from './use-load.js';

const NAV: readonly [string, string][] = [
  ['flags', 'Feature flags'],
  ['segments', 'Segments'],
  ['users', 'End users'],
  ['experiments', 'Experiments'],
  ['metrics', 'Metrics'],
  ['audit', 'Audit log'],
  ['keys', 'SDK keys'],
  ['tokens', 'Access tokens'],
  ['settings', 'Settings'],
];

/** The shell around every signed-in page. */
export function Shell({ api, signOut }: { api: Api; signOut: () => void }) {
  const [projectId, setProjectId] = useState(remembered.project());
  const [envId, setEnvId] = useState(remembered.env());
  const projects = useLoad(
    () => api.projects.listProjects({ page: { pageSize: 200, pageToken: '' }, query: '' }),
    [api],
  );
  const project =
    projects.data?.projects.find((p) => p.id === projectId) ?? projects.data?.projects[0];
  const envs = useLoad(
    async () =>
      project
        ? api.environments.listEnvironments({
            projectId: project.id,
            page: { pageSize: 200, pageToken: '' },
            query: '',
          })
        : undefined,
    [api, project?.id],
  );
  const env = envs.data?.environments.find((e) => e.id === envId) ?? envs.data?.environments[0];
  const session: Session | undefined = useMemo(
    () => (project && env ? { api, project, env, refreshEnv: envs.reload, signOut } : undefined),
    [api, project, env, envs.reload, signOut],
  );

  const tokenRejected =
    projects.error instanceof VaneCallError && projects.error.code === Status.UNAUTHENTICATED;
  useEffect(() => {
    // The token stopped working (revoked or expired): back to the sign-in page.
    if (tokenRejected) signOut();
  }, [tokenRejected, signOut]);
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href={href('flags')}>
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          Vane
        </a>
        {projects.data && projects.data.projects.length > 0 && (
          <label className="picker">
            Project
            <select
              value={project?.id ?? ''}
              onChange={(e) => {
                remembered.setProject(e.target.value);
                setProjectId(e.target.value);
              }}
            >
              {projects.data.projects.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {envs.data && envs.data.environments.length > 0 && (
          <label className="picker">
            Environment
            <select
              value={env?.id ?? ''}
              onChange={(e) => {
                remembered.setEnv(e.target.value);
                setEnvId(e.target.value);
              }}
            >
              {envs.data.environments.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="spacer" />
        <button type="button" className="ghost" onClick={signOut}>
          Sign out
        </button>
      </header>
      <div className="body">
        <nav aria-label="Main">
          <ul>
            {NAV.map(([path, label]) => (
              <li key={path}>
                <NavLink path={path} label={label} />
              </li>
            ))}
          </ul>
        </nav>
        <main>
          {projects.loading && !projects.data ? (
            <Loading what="Loading projects" />
          ) : projects.error !== undefined ? (
            <ErrorBox error={projects.error} retry={projects.reload} />
          ) : !project ? (
            <CreateFirst
              what="project"
              create={async (key, name) => {
                const r = await api.projects.createProject({ key, name, description: '' });
                if (r.project) remembered.setProject(r.project.id);
                projects.reload();
              }}
            />
          ) : envs.loading && !envs.data ? (
            <Loading what="Loading environments" />
          ) : envs.error !== undefined ? (
            <ErrorBox error={envs.error} retry={envs.reload} />
          ) : !session ? (
            <CreateFirst
              what="environment"
              create={async (key, name) => {
                const r = await api.environments.createEnvironment({
                  projectId: project.id,
                  key,
                  name,
                  description: '',
                });
                if (r.environment) remembered.setEnv(r.environment.id);
                envs.reload();
              }}
            />
          ) : (
            <SessionContext.Provider value={session}>
              <Page key={`${session.env.id}`} />
            </SessionContext.Provider>
          )}
        </main>
      </div>
    </div>
  );
}

function NavLink({ path, label }: { path: string; label: string }) {
  const route = useRoute();
  const current = (route[0] ?? 'flags') === path;
  return (
    <a href={href(path)} aria-current={current ? 'page' : undefined}>
      {label}
    </a>
  );
}

function Page() {
  const [section = 'flags', id, tab] = useRoute();
  switch (section) {
    case 'flags':
      return id ? <FlagPage flagKey={id} tab={tab ?? 'targeting'} /> : <FlagsPage />;
    case 'segments':
      return id ? <SegmentPage segmentKey={id} /> : <SegmentsPage />;
    case 'users':
      return id ? <EndUserPage keyId={id} /> : <EndUsersPage />;
    case 'experiments':
      return id ? <ExperimentPage id={id} /> : <ExperimentsPage />;
    case 'metrics':
      return <MetricsPage />;
    case 'audit':
      return <AuditLogPage />;
    case 'keys':
      return <KeysPage />;
    case 'tokens':
      return <AccessTokensPage />;
    case 'settings':
      return <SettingsPage />;
    default:
      navigate('flags');
      return null;
  }
}

/** Creates the first project or environment: there is nothing to choose yet. */
function CreateFirst({
  what,
  create,
}: {
  what: 'project' | 'environment';
  create: (key: string, name: string) => Promise<void>;
}) {
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const action = useAction();
  return (
    <section className="card narrow">
      <h1>Create {what === 'project' ? 'a project' : 'an environment'}</h1>
      <p>
        {what === 'project'
          ? 'There is no project yet. A project holds environments, and each environment its flags.'
          : 'This project has no environment yet (for example Production or Staging).'}
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const p: Record<string, string> = {};
          if (!/^[a-zA-Z0-9._-]+$/.test(key))
            p.key = 'Use letters, digits, dots, dashes or underscores.';
          if (name.trim() === '') p.name = 'Give it a name.';
          setProblems(p);
          if (Object.keys(p).length === 0) void action.run(() => create(key, name.trim()));
        }}
      >
        <TextField label="Key" value={key} onChange={setKey} errors={problems.key} autoFocus />
        <TextField label="Name" value={name} onChange={setName} errors={problems.name} />
        {action.error !== undefined && <ErrorBox error={action.error} />}
        <button className="primary" type="submit" disabled={action.busy}>
          Create
        </button>
      </form>
    </section>
  );
}
