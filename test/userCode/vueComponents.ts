// User code for docs/frameworks.md (Vue), as an app would write it; test/vue.test.ts mounts it.
// --- snippet: vue ---
import { defineComponent, h } from 'vue';
import { injectSession, useSession } from 'tokenflight/vue';
import { session } from './session.js';

export const StatusBadge = defineComponent(() => {
  // A slice: the component re-renders only when the status changes, not for new tokens.
  const status = useSession(session, (snapshot) => snapshot.status);
  return () => h('span', status.value);
});
// --- end of snippet ---

// --- snippet: vue-plugin ---
// main.ts: createApp(App).use(tokenflight(session)).mount('#app'); then in any component's setup:
export const Account = defineComponent(() => {
  const session = injectSession();
  const auth = useSession(session);
  return () =>
    auth.value.status === 'loggedOut'
      ? h('button', { onClick: () => session.login({ accessToken: 'from-your-login' }) }, 'Log in')
      : h('button', { onClick: () => session.logout() }, 'Log out');
});
// --- end of snippet ---
