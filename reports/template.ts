/**
 * The report template: reports/template/report.html with its stylesheet (uPlot's plus ours)
 * and its page script (bundled by esbuild) inlined. It is built once per version of its
 * sources and cached under .shipcheck/report-template/, so a report only fills in its
 * markers; build output is never committed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stateDir } from '../harness/project-root.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const templateDir = path.join(here, 'template');
const require = createRequire(import.meta.url);

export const MARKERS = { title: '<!--SHIPCHECK:TITLE-->', body: '<!--SHIPCHECK:BODY-->', data: '<!--SHIPCHECK:DATA-->' } as const;

let memo: { hash: string; html: string } | undefined;

function sources(): { files: string[]; hash: string } {
  const uplotDir = path.dirname(require.resolve('uplot/package.json'));
  const esbuildVersion = (require('esbuild/package.json') as { version: string }).version;
  const files = [
    path.join(templateDir, 'report.html'),
    path.join(templateDir, 'report.css'),
    path.join(templateDir, 'page.ts'),
    path.join(uplotDir, 'dist', 'uPlot.min.css'),
    path.join(uplotDir, 'dist', 'uPlot.esm.js'),
  ];
  const h = crypto.createHash('sha256').update(esbuildVersion);
  for (const f of files) h.update(fs.readFileSync(f));
  return { files, hash: h.digest('hex').slice(0, 16) };
}

/** Script text safe to inline: nothing in it can close the script element or open a comment. */
function inlineSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

async function build(files: string[]): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [files[2]!],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const js = inlineSafe(result.outputFiles[0]!.text);
  const style = `${fs.readFileSync(files[3]!, 'utf8')}\n${fs.readFileSync(files[1]!, 'utf8')}`.replace(/<\/style/gi, '<\\/style');
  const html = fs.readFileSync(files[0]!, 'utf8');
  const filled = html.replace('<!--SHIPCHECK:STYLE-->', () => style).replace('<!--SHIPCHECK:SCRIPT-->', () => js);
  for (const m of Object.values(MARKERS)) {
    if (filled.split(m).length !== 2) throw new Error(`report template: marker ${m} must occur exactly once`);
  }
  return filled;
}

/** The filled template (style and script inlined, title/body/data markers still open). */
export async function reportTemplate(): Promise<string> {
  const { files, hash } = sources();
  if (memo?.hash === hash) return memo.html;
  const cacheFile = path.join(stateDir, 'report-template', `${hash}.html`);
  let html: string;
  if (fs.existsSync(cacheFile)) {
    html = fs.readFileSync(cacheFile, 'utf8');
  } else {
    html = await build(files);
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      fs.writeFileSync(`${cacheFile}.${process.pid}.tmp`, html);
      fs.renameSync(`${cacheFile}.${process.pid}.tmp`, cacheFile);
    } catch {
      // A read-only install still makes reports; it only rebuilds the template each time.
    }
  }
  memo = { hash, html };
  return html;
}

/** Puts title, body and data into the template, each at its one marker. */
export function fillTemplate(template: string, parts: { title: string; body: string; data: string }): string {
  const put = (html: string, marker: string, value: string) => {
    const i = html.indexOf(marker);
    return html.slice(0, i) + value + html.slice(i + marker.length);
  };
  // Data first: it is base64, so it cannot contain a marker that a later step would find.
  return put(put(put(template, MARKERS.data, parts.data), MARKERS.body, parts.body), MARKERS.title, parts.title);
}
