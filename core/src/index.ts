// @vane/core: Vane's domain model and FeatBit-exact evaluation engine. Pure: no I/O, no
// Node built-ins, usable in browsers.

export type { CustomizedProperty, EndUser } from './model/end-user.js';
export { IS_IN_SEGMENT, IS_NOT_IN_SEGMENT, USER_KEY_ID, USER_NAME } from './model/end-user.js';
export type {
  Condition,
  Fallthrough,
  FeatureFlag,
  Prerequisite,
  RolloutVariation,
  TargetRule,
  TargetUser,
  Variation,
  VariationType,
} from './model/feature-flag.js';
export type { MatchRule, Segment } from './model/segment.js';
export type {
  FeatBitCondition,
  FeatBitFlag,
  FeatBitRollout,
  FeatBitSegment,
} from './featbit/featbit-json-types.js';
export { FEATBIT_OPERATORS, VANE_OPERATORS, isKnownOperator } from './model/operators.js';
export type { FeatBitOperator, OperatorName, VaneOperator } from './model/operators.js';

export { CompiledEnvironment, compileEnvironment, evaluateFlag } from './evaluation/environment.js';
export type {
  EnvironmentChanges,
  EnvironmentData,
  FlagEvaluation,
} from './evaluation/environment.js';
export { REASONS } from './evaluation/evaluation-result.js';
export type {
  EvaluationError,
  EvaluationErrorCode,
  EvaluationKind,
  EvaluationResult,
} from './evaluation/evaluation-result.js';
export { isInRollout, rolloutOfKey } from './evaluation/dispatch.js';
export { MAX_REGEX_PROGRAM_SIZE, regexProblem } from './evaluation/safe-regex.js';
export { md5Hex } from './evaluation/md5.js';

export { validateFlag } from './validation/validate-flag.js';
export { validateSegment } from './validation/validate-segment.js';
export { endUserProblem } from './validation/validate-end-user.js';
export { jsonDepth } from './json/json-depth.js';
export type { EndUserInput } from './validation/validate-end-user.js';
export {
  charLength,
  KEY_PATTERN,
  KEY_RULE,
  LIMIT_SOURCES,
  LIMITS,
  utf8Length,
} from './validation/limits.js';
export type { LimitName } from './validation/limits.js';
export type { ProblemCode, ValidationContext, ValidationProblem } from './validation/problem.js';

export { TOPICS, topicName } from './topics.js';
export type { TopicName } from './topics.js';
