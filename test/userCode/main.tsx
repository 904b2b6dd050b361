// User code for docs/frameworks.md (React), as an app would write it; test/react.strictMode.test.tsx runs it.
// --- snippet: react-render ---
// main.tsx: the entry the page loads.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';

// index.html has <div id="root"></div>.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// --- end of snippet ---
