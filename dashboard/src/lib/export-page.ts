/*
 * Export of the current page for a meeting: PNG through html-to-image (the
 * element is rendered to a canvas in the browser, nothing leaves the
 * machine), PDF through the browser's own print dialog ("Save as PDF") with
 * the print stylesheet in index.css (A4 landscape, navigation, filters and
 * buttons hidden, cards kept whole on a page).
 *
 * html-to-image is loaded when a PNG is asked for, not with every page's
 * header (the button is on every page; the export is rare).
 *
 * Limits: html-to-image cannot capture cross-origin images or canvases;
 * the dashboard has none (charts are SVG).
 */
import { downloadUrl } from './export-csv';

export function exportFileName(page: string, period: string, ext: 'png' | 'pdf' | 'csv'): string {
  const safe = (s: string) => s.replace(/[^\w-]+/g, '_').replace(/^_+|_+$/g, '');
  return `revcycle-${safe(page)}-${safe(period)}.${ext}`;
}

export async function exportElementToPng(element: HTMLElement, fileName: string): Promise<string> {
  // While capturing, tables show all their rows (html.exporting in index.css), as in print.
  document.documentElement.classList.add('exporting');
  let dataUrl: string;
  try {
    const [{ toPng }] = await Promise.all([import('html-to-image'), new Promise((r) => requestAnimationFrame(() => r(null)))]);
    dataUrl = await toPng(element, {
      backgroundColor: '#f9fafb',
      pixelRatio: 2,
      cacheBust: true,
      width: element.offsetWidth,
      height: element.offsetHeight,
      // The page is centred with auto margins; the copy must not carry them, or its right edge is cut off.
      style: { margin: '0' },
      filter: (node) => !(node instanceof HTMLElement && node.dataset.exportIgnore === 'true'),
    });
  } finally {
    document.documentElement.classList.remove('exporting');
  }
  downloadUrl(dataUrl, fileName);
  return dataUrl;
}

export function printPage(): void {
  window.print();
}
