// Entry of the canvassing app (/terrain/): registers the service worker that keeps the shell for
// offline starts, then renders the app.
import { createRoot } from 'react-dom/client';
import { TerrainApp } from './app.tsx';
import './terrain.css';

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/terrain/sw.js', { scope: '/terrain/' }).catch(() => undefined);
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<TerrainApp />);
