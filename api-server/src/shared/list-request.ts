// The parts of List… requests that are closed sets: `order_by` and enum filters. A value outside
// the set is INVALID_ARGUMENT naming the field, never silently read as the default.
import { ArchivedFilter, TagMatchMode } from '@vane/gen/node/vane/common/v1/query';
import { Violations } from './validation.js';

/** A generated proto enum object (name ↔ number). */
type ProtoEnum = Record<string, string | number>;

/** One enum field of a request: its value(s) and its enum. */
export type EnumField = readonly [value: number | readonly number[], enumObject: ProtoEnum];

/** The store order of one accepted `order_by` value. */
export interface ListOrder {
  readonly orderBy: string;
  readonly descending: boolean;
}

function knownValues(enumObject: ProtoEnum): number[] {
  // ts-proto adds UNRECOGNIZED (-1) for values it could not map; the wire never carries it.
  return Object.values(enumObject).filter((v): v is number => typeof v === 'number' && v >= 0);
}

function enumNames(enumObject: ProtoEnum): string {
  return knownValues(enumObject)
    .map((v) => String(enumObject[v]))
    .join(', ');
}

/** Records a violation for each value of `fields` that its enum does not define. */
export function checkEnums(v: Violations, fields: Readonly<Record<string, EnumField>>): Violations {
  for (const [field, [value, enumObject]] of Object.entries(fields)) {
    const known = knownValues(enumObject);
    const values = typeof value === 'number' ? [value] : value;
    values.forEach((one, i) => {
      const path = typeof value === 'number' ? field : `${field}[${i}]`;
      v.check(known.includes(one), path, `must be one of ${enumNames(enumObject)} (got ${one})`);
    });
  }
  return v;
}

/** Throws INVALID_ARGUMENT naming every enum filter of `fields` with an undefined value. */
export function validateEnums(fields: Readonly<Record<string, EnumField>>): void {
  checkEnums(new Violations(), fields).throwIfAny();
}

/** The order of `orderBy` among `allowed` ('' is the first entry's order); INVALID_ARGUMENT otherwise. */
export function parseOrderBy(
  v: Violations,
  orderBy: string,
  allowed: Readonly<Record<string, ListOrder>>,
  field = 'order_by',
): ListOrder {
  const names = Object.keys(allowed);
  const normalized = orderBy.trim().replace(/\s+/g, ' ');
  const order = allowed[normalized === '' ? names[0]! : normalized];
  v.check(order !== undefined, field, `must be one of ${names.map((n) => `"${n}"`).join(', ')}`);
  return order ?? allowed[names[0]!]!;
}

/** `order_by` of ListFeatureFlags and ListSegments (`version` grows with every update). */
export const VERSIONED_ORDERS: Readonly<Record<string, ListOrder>> = {
  'updated_at desc': { orderBy: 'version', descending: true },
  updated_at: { orderBy: 'version', descending: false },
  key: { orderBy: 'key', descending: false },
  'key desc': { orderBy: 'key', descending: true },
  name: { orderBy: 'name', descending: false },
  'name desc': { orderBy: 'name', descending: true },
};

/**
 * Validates the closed-set fields of ListFeatureFlags/ListSegments (`order_by`, `tag_match`,
 * `archived`) and returns the store order to list in.
 */
export function versionedListOrder(req: {
  readonly orderBy: string;
  readonly tagMatch: TagMatchMode;
  readonly archived: ArchivedFilter;
}): ListOrder {
  const v = new Violations();
  const order = parseOrderBy(v, req.orderBy, VERSIONED_ORDERS);
  checkEnums(v, {
    tag_match: [req.tagMatch, TagMatchMode],
    archived: [req.archived, ArchivedFilter],
  });
  v.throwIfAny();
  return order;
}
