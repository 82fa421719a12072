// The shape of every admin service's methods: async, typed by the generated server interface,
// called with the authenticated `Principal` (server-kit's `grpcHandlers` adapts them to grpc-js).
import type { AsyncService } from '@vane/server-kit';
import type { Principal } from '../auth/principal.js';

/** The async methods of the generated grpc-js server interface `S`, for the admin API's callers. */
export type AdminService<S> = AsyncService<S, Principal>;
