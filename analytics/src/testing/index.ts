// Test and benchmark helpers of @vane/analytics (the `@vane/analytics/testing` entry point).
export { experimentRecords, type FixtureArm, type FixtureScope } from './experiment-fixture.js';
export { analyticsClients, type AnalyticsClients } from './grpc-clients.js';
