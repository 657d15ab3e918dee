/*
 * Entry: the Cube client (short-lived token from the server), then what
 * the semantic layer offers (/meta), settings, the UI language and the
 * router.
 */
import React from 'react';
import ReactDOM from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { CubeProvider } from '@cubejs-client/react';
import { cubeApi } from './api/cube-client';
import { App } from './App';
import { I18nProvider } from './i18n/i18n-context';
import { SemanticLayerProvider } from './state/semantic-layer';
import { SettingsProvider } from './state/settings';
import './index.css';

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
