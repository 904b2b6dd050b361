export { crossTab } from './crossTabPlugin.js';
export { sharedWebStorage } from './sharedWebStorage.js';
export type { SharedRecord, SharedState, SharedTokenStorage } from './sharedRecord.js';
export type { ChannelLike, CrossTabOptions, LockManagerLike, LockRequestOptionsLike } from './types.js';
