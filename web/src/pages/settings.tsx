// Settings: the project's and the environment's names, and creating more projects/environments.
import { useState } from 'react';
import { VaneCallError } from '@vane/grpc-client/web';
import { ErrorBox, TextField, useAction } from '../ui/components.js';
import { useSession } from '../ui/session.js';

/** The settings page. */
export function SettingsPage() {
  const { api, project, env, refreshEnv } = useSession();
  const [envName, setEnvName] = useState(env.name);
  const [envDescription, setEnvDescription] = useState(env.description);
  const [newEnvKey, setNewEnvKey] = useState('');
  const [newEnvName, setNewEnvName] = useState('');
  const save = useAction();
  const create = useAction();
  const saveErrors = save.error instanceof VaneCallError ? save.error.fieldErrors : {};
  const createErrors = create.error instanceof VaneCallError ? create.error.fieldErrors : {};
  const [saved, setSaved] = useState(false);
  return (
    <section className="stack">
      <h1>Settings</h1>
      <section className="card">
        <h2>Environment</h2>
        <p className="muted mono">
          {project.key} / {env.key} · id {env.id}
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(false);
            void save
              .run(() =>
                api.environments.updateEnvironment({
                  id: env.id,
                  environment: { ...env, name: envName.trim(), description: envDescription },
                  updateMask: ['name', 'description'],
                  expectedRevision: env.revision,
                }),
              )
              .then((r) => {
                if (r) {
                  setSaved(true);
                  refreshEnv();
                }
              });
          }}
        >
          <TextField
            label="Name"
            value={envName}
            onChange={setEnvName}
            errors={envName.trim() === '' ? 'Give it a name.' : saveErrors['environment.name']}
          />
          <TextField
            label="Description"
            value={envDescription}
            onChange={setEnvDescription}
            errors={saveErrors['environment.description']}
          />
          {save.error !== undefined && <ErrorBox error={save.error} />}
          <button type="submit" className="primary" disabled={save.busy || envName.trim() === ''}>
            Save
          </button>
          {saved && <span role="status"> Saved.</span>}
        </form>
      </section>
      <section className="card">
        <h2>New environment in {project.name}</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void create
              .run(() =>
                api.environments.createEnvironment({
                  projectId: project.id,
                  key: newEnvKey,
                  name: newEnvName,
                  description: '',
                }),
              )
              .then((r) => {
                if (r) {
                  setNewEnvKey('');
                  setNewEnvName('');
                  refreshEnv();
                }
              });
          }}
        >
          <TextField
            label="Key"
            value={newEnvKey}
            onChange={setNewEnvKey}
            errors={createErrors.key}
          />
          <TextField
            label="Name"
            value={newEnvName}
            onChange={setNewEnvName}
            errors={createErrors.name}
          />
          {create.error !== undefined && <ErrorBox error={create.error} />}
          <button type="submit" disabled={create.busy}>
            Create environment
          </button>
        </form>
      </section>
    </section>
  );
}
