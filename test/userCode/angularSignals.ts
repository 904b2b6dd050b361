// User code for docs/frameworks.md (Angular), as an app would write it; test/angular.test.ts runs it.
// --- snippet: angular-signals ---
import { computed } from '@angular/core';
import { injectSessionStatus } from 'tokenflight/angular';

// Call it where Angular injects: a component's or a service's constructor or field initializer.
export function injectSignedIn() {
  const status = injectSessionStatus();
  return computed(() => status() === 'idle' || status() === 'refreshing');
}
// --- end of snippet ---
