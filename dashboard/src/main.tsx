import React from 'react';
import ReactDOM from 'react-dom/client';
import { CubeProvider } from '@cubejs-client/react';
import { cubeApi } from './api/cube-client';
import { App } from './App';
import './index.css';

ReactDOM.createRoot(document.getElementById('root')!).render(
  <React.StrictMode>
    <CubeProvider cubeApi={cubeApi}>
      <App />
    </CubeProvider>
  </React.StrictMode>,
);
