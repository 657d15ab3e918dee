/*
 * UI strings of the page frame on narrow screens and for assistive
 * technology: the navigation menu button, the header's as-of placeholder
 * while the data's day is not known yet, and the names of scrolling
 * regions, and what a table with no rows says. Kept apart from messages.ts, which spreads them in; the same
 * rules apply ({name} placeholders, `ja` has every key of `en`).
 */

export const layoutEn = {
  'nav.menu': 'Menu',
  'nav.menuOpen': 'Open the page list',
  'nav.menuClose': 'Close the page list',
  'app.asOfPending': 'Data as of …',
  'app.asOfPendingLabel': 'Reading the data’s as-of day',
  'filters.toggle': 'Filters',
  'region.scroll': '{title} (scrolls)',
  'table.empty': 'No rows to show.',
} as const;

export const layoutJa: Record<keyof typeof layoutEn, string> = {
  'nav.menu': 'メニュー',
  'nav.menuOpen': 'ページ一覧を開く',
  'nav.menuClose': 'ページ一覧を閉じる',
  'app.asOfPending': 'データ基準日 …',
  'app.asOfPendingLabel': 'データ基準日を読み込み中',
  'filters.toggle': '絞り込み',
  'region.scroll': '{title} (スクロール可)',
  'table.empty': '表示する行はありません。',
};
