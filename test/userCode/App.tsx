// User code for docs/frameworks.md (React), as an app would write it; test/react.strictMode.test.tsx runs it.
// --- snippet: react-session ---
// App.tsx: the root component.
import { useEffect, useState } from 'react';
import { useSessionStatus } from 'tokenflight/react';
import { session } from './session.js';

export function App() {
  const status = useSessionStatus(session);
  const [notice, setNotice] = useState('');
  // Effects only subscribe and unsubscribe (session.on returns the unsubscribe function), so
  // StrictMode's mount, unmount, mount in development leaves one listener.
  useEffect(() => session.on('expired', () => setNotice('Your session expired. Please log in again.')), []);
  if (status === 'idle' || status === 'refreshing') return <p>Welcome back</p>;
  return <p>{notice || 'Please log in'}</p>;
}
// --- end of snippet ---
