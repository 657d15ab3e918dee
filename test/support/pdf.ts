/*
 * Reading and looking at a PDF in tests: pdfjs-dist (Mozilla's PDF.js)
 * extracts each page's text in Node, and renders each page to a canvas in
 * Chromium (playwright-core), screenshotted into the e2e artifacts so a
 * person can look at what was made. The pdfjs files are served to the page
 * from node_modules through a routed origin: nothing is fetched from outside.
 */
import { readFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ARTIFACTS_DIR, launchBrowser } from './browser';

const require = createRequire(import.meta.url);

export interface PdfInfo {
  pages: number;
  /** Each page's text, items joined by a space. */
  text: string[];
  /** Each page's size in points. */
  sizes: { width: number; height: number }[];
}

/** pdfjs-dist 6 calls Promise.withResolvers, which Node 20 lacks (Node 22 has it): the standard's own definition. */
function withResolversOnNode20() {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  P.withResolvers ??= () => {
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

/** The PDF's pages, their size and text, read by pdfjs-dist. */
export async function readPdf(bytes: Uint8Array): Promise<PdfInfo> {
  withResolversOnNode20();
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false }).promise;
  const text: string[] = [];
  const sizes: PdfInfo['sizes'] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const vp = page.getViewport({ scale: 1 });
    sizes.push({ width: vp.width, height: vp.height });
    const content = await page.getTextContent();
    text.push(content.items.map((it) => ('str' in it ? it.str : '')).join(' '));
  }
  await doc.cleanup();
  return { pages: doc.numPages, text, sizes };
}

const ORIGIN = 'http://pdf.test';

/** Renders every page with pdfjs-dist in Chromium and writes `<name>-p<n>.png` to the artifacts; returns the files. */
export async function screenshotPdf(bytes: Uint8Array, name: string, scale = 1.5): Promise<string[]> {
  const build = path.dirname(require.resolve('pdfjs-dist/build/pdf.mjs'));
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    // The page renders with a module script of its own: a function passed to page.evaluate would be rewritten
    // by Vitest's transform (its dynamic import becomes a helper the browser does not have).
    const html = `<!doctype html><body style="margin:0;background:#ccc"><script type="module">
      const pdfjs = await import('${ORIGIN}/pdf.mjs');
      pdfjs.GlobalWorkerOptions.workerSrc = '${ORIGIN}/pdf.worker.mjs';
      const doc = await pdfjs.getDocument({ url: '${ORIGIN}/doc.pdf' }).promise;
      for (let i = 1; i <= doc.numPages; i++) {
        const p = await doc.getPage(i);
        const vp = p.getViewport({ scale: ${scale} });
        const canvas = document.createElement('canvas');
        canvas.id = 'page-' + i;
        canvas.width = vp.width;
        canvas.height = vp.height;
        canvas.style.display = 'block';
        canvas.style.marginBottom = '8px';
        document.body.appendChild(canvas);
        await p.render({ canvas, canvasContext: canvas.getContext('2d'), viewport: vp }).promise;
      }
      window.renderedPages = doc.numPages;
    </script></body>`;
    await page.route(`${ORIGIN}/**`, (route) => {
      const file = new URL(route.request().url()).pathname.slice(1);
      if (file === 'doc.pdf') return route.fulfill({ body: Buffer.from(bytes), contentType: 'application/pdf' });
      if (file === '') return route.fulfill({ body: html, contentType: 'text/html' });
      return route.fulfill({ body: readFileSync(path.join(build, path.basename(file))), contentType: 'text/javascript' });
    });
    await page.goto(`${ORIGIN}/`);
    const handle = await page.waitForFunction(() => (window as unknown as { renderedPages?: number }).renderedPages, null, {
      timeout: 60_000,
    });
    const count = (await handle.jsonValue()) as number;
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const files: string[] = [];
    for (let i = 1; i <= count; i++) {
      const file = path.join(ARTIFACTS_DIR, `${name}-p${i}.png`);
      await page.locator(`#page-${i}`).screenshot({ path: file });
      files.push(file);
    }
    return files;
  } finally {
    await browser.close();
  }
}
