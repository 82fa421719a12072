// Entry of the plain-browser bundle (`<script src="vane-client.iife.js">`): `window.Vane.VaneClient`.
export { VaneClient } from './vane-client.js';
export { VaneSdkError } from '../shared/sdk-error.js';
