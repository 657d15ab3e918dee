/*
 * Tailwind 3 with Tremor's theme tokens (Tremor 3.x reads these names).
 *
 * Tremor composes colour classes at run time (`fill-${color}-500`), which
 * Tailwind's content scan cannot see, so they must be safelisted. Tremor's
 * docs safelist every colour; this safelists only the colours the dashboard
 * passes to Tremor (`colors={[...]}` / `color=` props in src/), read from the
 * source so a new colour in a card needs no second edit here. A colour named
 * any other way (a variable) is not seen: write it as a literal in the prop.
 */
const fs = require('node:fs');
const path = require('node:path');
const colors = require('tailwindcss/colors');

const TREMOR_COLORS = [
  'slate',
  'gray',
  'zinc',
  'neutral',
  'stone',
  'red',
  'orange',
  'amber',
  'yellow',
  'lime',
  'green',
  'emerald',
  'teal',
  'cyan',
  'sky',
  'blue',
  'indigo',
  'violet',
  'purple',
  'fuchsia',
  'pink',
  'rose',
];

/** Tremor colour names written in a `color`/`colors` prop anywhere under dir. */
function colorsUsed(dir) {
  const used = new Set();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      for (const c of colorsUsed(file)) used.add(c);
    } else if (/\.tsx?$/.test(entry.name)) {
      const text = fs.readFileSync(file, 'utf8');
      // The prop's value up to the end of its expression: color="x", color={a ? 'x' : 'y'}, colors={['x', 'y']}.
      for (const m of text.matchAll(/\bcolors?=(\{[^}]*\}|"[^"]*")/g)) {
        for (const [, name] of m[1].matchAll(/['"]([a-z]+)['"]/g)) if (TREMOR_COLORS.includes(name)) used.add(name);
      }
    }
  }
  return used;
}

const chartColors = [...colorsUsed(`${__dirname}/src`)].sort();

module.exports = {
  content: [
    `${__dirname}/index.html`,
    `${__dirname}/src/**/*.{ts,tsx}`,
    `${__dirname}/../node_modules/@tremor/**/*.{js,ts,jsx,tsx}`,
  ],
  theme: {
    transparent: 'transparent',
    current: 'currentColor',
    extend: {
      colors: {
        tremor: {
          brand: {
            faint: colors.blue[50],
            muted: colors.blue[200],
            subtle: colors.blue[400],
            DEFAULT: colors.blue[600],
            emphasis: colors.blue[700],
            inverted: colors.white,
          },
          background: { muted: colors.gray[50], subtle: colors.gray[100], DEFAULT: colors.white, emphasis: colors.gray[700] },
          border: { DEFAULT: colors.gray[200] },
          ring: { DEFAULT: colors.gray[200] },
          content: {
            subtle: colors.gray[400],
            DEFAULT: colors.gray[500],
            emphasis: colors.gray[700],
            strong: colors.gray[900],
            inverted: colors.white,
          },
        },
      },
      boxShadow: {
        'tremor-input': '0 1px 2px 0 rgb(0 0 0 / 0.05)',
        'tremor-card': '0 1px 3px 0 rgb(0 0 0 / 0.1), 0 1px 2px -1px rgb(0 0 0 / 0.1)',
        'tremor-dropdown': '0 4px 6px -1px rgb(0 0 0 / 0.1), 0 2px 4px -2px rgb(0 0 0 / 0.1)',
      },
      borderRadius: { 'tremor-small': '0.375rem', 'tremor-default': '0.5rem', 'tremor-full': '9999px' },
      fontSize: {
        'tremor-label': ['0.75rem', { lineHeight: '1rem' }],
        'tremor-default': ['0.875rem', { lineHeight: '1.25rem' }],
        'tremor-title': ['1.125rem', { lineHeight: '1.75rem' }],
        'tremor-metric': ['1.875rem', { lineHeight: '2.25rem' }],
      },
    },
  },
  safelist: [
    {
      pattern: new RegExp(
        `^(bg|text|border|ring|stroke|fill)-(${chartColors.join('|')})-(50|100|200|300|400|500|600|700|800|900|950)$`,
      ),
      variants: ['hover', 'ui-selected'],
    },
  ],
  plugins: [],
};
