// User code for docs/frameworks.md (Svelte), as an app would write it; test/svelte.test.ts runs it.
// --- snippet: svelte ---
import { derived } from 'svelte/store';
import { session } from './session.js';

export const status = derived(session, ($session) => $session.status);
export const signedIn = derived(session, ($session) => $session.tokens !== null);
// In a component: {#if $signedIn}…{/if} <span>{$status}</span>
// --- end of snippet ---
