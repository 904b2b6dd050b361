import { useState } from 'react';
import { useSessionStatus } from 'tokenflight/react';
import { startLogin } from './login.js';
import { authFetch, session } from './session.js';

/** Five requests at once: after the token expired, they make one refresh between them. */
async function loadAll(): Promise<number[]> {
  const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => authFetch(`/api/secret?item=${i}`)));
  return answers.map((answer) => answer.status);
}

export function App() {
  const status = useSessionStatus(session);
  const [statuses, setStatuses] = useState<number[]>([]);
  const signedIn = status === 'idle' || status === 'refreshing';
  return (
    <main>
      <p>
        Session: <strong id="status">{status}</strong>
      </p>
      {signedIn ? (
        <>
          <button id="load" onClick={() => void loadAll().then(setStatuses)}>
            Load five things at once
          </button>
          <button id="logout" onClick={() => session.logout()}>
            Log out
          </button>
          <output id="answers">{statuses.join(' ')}</output>
        </>
      ) : (
        <button id="login" onClick={() => void startLogin()}>
          Log in
        </button>
      )}
    </main>
  );
}
