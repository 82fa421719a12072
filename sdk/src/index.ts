// @vane/sdk: the Node server SDK (the browser SDK is `@vane/sdk/client`, the OpenFeature providers
// `@vane/sdk/openfeature/server` and `@vane/sdk/openfeature/web`).
export * from './server/index.js';
