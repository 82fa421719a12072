// The lifecycle rules of a flag's writes (see `FeatureFlagService` in the proto): an archived flag
// is read-only, only an archived flag can be deleted, and a flag cannot be archived while an
// active flag or a running experiment depends on it.
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { ExperimentDoc } from '../experiments/experiment-doc.js';
import type { Collection } from '../store/document-store.js';
import type { FlagDoc } from '@vane/server-kit/documents';
import { FailedPrecondition } from '@vane/server-kit';

type FlagState = Pick<FlagDoc, 'key' | 'isArchived'>;

function refused(reason: ErrorReason, message: string, key: string, referencedBy?: string) {
  return new FailedPrecondition(
    reason,
    message,
    ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
    key,
    referencedBy === undefined ? {} : { referenced_by: referencedBy },
  );
}

/** FAILED_PRECONDITION (`ARCHIVED`) for an archived flag: update and toggle need an active one. */
export function assertNotArchived(flag: FlagState): void {
  if (flag.isArchived) {
    throw refused(
      ErrorReason.ERROR_REASON_ARCHIVED,
      `flag ${flag.key} is archived and read-only: restore it first`,
      flag.key,
    );
  }
}

/** FAILED_PRECONDITION (`NOT_ARCHIVED`) unless the flag is archived: only those can be deleted. */
export function assertArchived(flag: FlagState): void {
  if (!flag.isArchived) {
    throw refused(
      ErrorReason.ERROR_REASON_NOT_ARCHIVED,
      `archive flag ${flag.key} before deleting it`,
      flag.key,
    );
  }
}

/**
 * FAILED_PRECONDITION (`IN_USE`, `referenced_by` = the dependant's flag key or experiment id)
 * while an active flag of the environment has `flag` as a prerequisite or a running experiment
 * measures it: archiving would make the dependant serve its off variation (or lose its
 * exposures) for every user.
 */
export async function assertNoActiveDependants(
  flags: Collection<FlagDoc>,
  experiments: Collection<ExperimentDoc>,
  flag: Pick<FlagDoc, '_id' | 'envId' | 'key'>,
): Promise<void> {
  const dependant = await flags.findOne({
    envId: flag.envId,
    'prerequisites.flagKey': flag.key,
    isArchived: { ne: true },
  });
  if (dependant) {
    throw refused(
      ErrorReason.ERROR_REASON_IN_USE,
      `active flag ${dependant.key} has ${flag.key} as a prerequisite: remove it there first`,
      flag.key,
      dependant.key,
    );
  }
  const experiment = await experiments.findOne({ flagId: flag._id, status: 'running' });
  if (experiment) {
    throw refused(
      ErrorReason.ERROR_REASON_IN_USE,
      `running experiment ${experiment._id} (${experiment.name}) uses flag ${flag.key}: stop it first`,
      flag.key,
      experiment._id,
    );
  }
}
