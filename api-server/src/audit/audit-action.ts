// The change-record action strings and their proto enum.
import { AuditAction } from '@vane/gen/node/vane/admin/v1/audit_log_service';

const ACTIONS: Record<string, AuditAction> = {
  created: AuditAction.AUDIT_ACTION_CREATE,
  updated: AuditAction.AUDIT_ACTION_UPDATE,
  'segment-changed': AuditAction.AUDIT_ACTION_UPDATE,
  seen: AuditAction.AUDIT_ACTION_UPDATE,
  toggled: AuditAction.AUDIT_ACTION_TOGGLE,
  archived: AuditAction.AUDIT_ACTION_ARCHIVE,
  restored: AuditAction.AUDIT_ACTION_RESTORE,
  deleted: AuditAction.AUDIT_ACTION_DELETE,
  'secret-added': AuditAction.AUDIT_ACTION_SECRET_ADD,
  'secret-rotated': AuditAction.AUDIT_ACTION_SECRET_ROTATE,
  'secret-revoked': AuditAction.AUDIT_ACTION_SECRET_REVOKE,
  'iteration-started': AuditAction.AUDIT_ACTION_ITERATION_START,
  'iteration-stopped': AuditAction.AUDIT_ACTION_ITERATION_STOP,
  'token-revoked': AuditAction.AUDIT_ACTION_TOKEN_REVOKE,
};

/** The proto action of a change record's action string. */
export function auditAction(action: string): AuditAction {
  return ACTIONS[action] ?? AuditAction.AUDIT_ACTION_UNSPECIFIED;
}

/** The action strings that map to a proto action (for filters). */
export function actionStrings(action: AuditAction): string[] {
  return Object.entries(ACTIONS)
    .filter(([, a]) => a === action)
    .map(([s]) => s);
}
