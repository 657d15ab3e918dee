/*
 * Entry: the Cube client (short-lived token from the server), then what
 * the semantic layer offers (/meta), settings, the UI language and the
 * router.
 *
 * Before React's first render, /meta and the settings' queries are asked
 * (api/ask-once.ts): their answers came with the session (api/first-batch.ts;
 * else their batch leaves now, not after the shell's first render and its
 * effects), and the opened page's code is awaited for up to
 * PAGE_WAIT_MS: it was preloaded with this entry (index.html), so it is
 * usually in by then, and the shell and the page then render as one, the
 * cards asking in that render's effects. Where it is slower (a slow
 * network), the shell renders without it and the page follows on demand.
 */
import React from 'react';
import ReactDOM from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { CubeProvider } from '@cubejs-client/react';
import { cubeApi } from './api/cube-client';
import { App, openedPageLoaded } from './App';
import { I18nProvider } from './i18n/i18n-context';
import { askSemanticLayer, SemanticLayerProvider } from './state/semantic-layer';
import { askSettings, SettingsProvider } from './state/settings';
import './index.css';

const PAGE_WAIT_MS = 500;

askSemanticLayer(cubeApi);
askSettings(cubeApi);

function render() {
  ReactDOM.createRoot(document.getElementById('root')!).render(
    <React.StrictMode>
      <CubeProvider cubeApi={cubeApi}>
        <I18nProvider>
          <SemanticLayerProvider>
            <SettingsProvider>
              <BrowserRouter>
                <App />
              </BrowserRouter>
            </SettingsProvider>
          </SemanticLayerProvider>
        </I18nProvider>
      </CubeProvider>
    </React.StrictMode>,
  );
}

// The mark says which came first (the page's code, or the wait's end): for profiles and the browser tests.
void Promise.race([
  openedPageLoaded.then(
    () => 'page',
    () => 'page failed',
  ),
  new Promise<string>((done) => setTimeout(() => done('timeout'), PAGE_WAIT_MS)),
]).then((first) => {
  performance.mark('revcycle:first-render', { detail: first });
  render();
});
