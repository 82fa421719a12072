// The user a flag is evaluated for (FeatBit's EndUser).

/** A custom attribute; FeatBit values are strings. */
export interface CustomizedProperty {
  readonly name: string;
  readonly value: string | null;
}

/** The evaluated user; `keyId` identifies it and is the default dispatch key. */
export interface EndUser {
  readonly keyId: string;
  readonly name?: string | null;
  readonly customizedProperties?: readonly CustomizedProperty[] | null;
}

/** Built-in attribute names that `valueOf` resolves without custom properties. */
export const USER_KEY_ID = 'keyId';
/** See USER_KEY_ID. */
export const USER_NAME = 'name';

/** Special condition properties that refer to segments instead of attributes. */
export const IS_IN_SEGMENT = 'User is in segment';
/** See IS_IN_SEGMENT. */
export const IS_NOT_IN_SEGMENT = 'User is not in segment';
