/**
 * generateReport(): a result folder (or a k6 --out json recording) in, report.html,
 * junit.xml and summary.md out, plus the verdict. `load`, `smoke`, `drill`, the gate and
 * `shipcheck report` all call this.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createResultDir, writeJson } from '../harness/result-folder.ts';
import { loadReportInput, type ReportInput } from './load-input.ts';
import { buildModel, DEFAULT_TOLERANCE, type ReportModel, type Tolerance, type Verdict } from './model.ts';
import { renderHtml } from './render-html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';

export { DEFAULT_TOLERANCE, type Tolerance, type Verdict, type ReportModel };

export interface ReportOptions {
  /** A result folder (or k6 recording) to compare against. */
  baseline?: string;
  /** Compare even when the baseline ran another load shape, profile or target (--force-baseline). */
  forceBaseline?: boolean;
  /** Where to write the three files; default: the result folder itself (a new out/<run-id> for a recording). */
  out?: string;
  tolerance?: Partial<Tolerance>;
  /** Extra secret values to keep out of the outputs (secret-named env vars are always covered). */
  secrets?: string[];
  /** Write the files (default true); false only renders. */
  write?: boolean;
  onProgress?: (line: string) => void;
  now?: Date;
}

export interface ReportResult {
  html: string;
  junit: string;
  markdown: string;
  verdict: Verdict;
  model: ReportModel;
  /** Absolute paths of the written files (when written). */
  files?: { html: string; junit: string; markdown: string };
}

export const REPORT_FILES = { html: 'report.html', junit: 'junit.xml', markdown: 'summary.md' } as const;

function outDirFor(input: ReportInput, opts: ReportOptions): string {
  if (opts.out) return path.resolve(opts.out);
  if (fs.statSync(input.source).isDirectory()) return input.source;
  return createResultDir({ kind: 'report', label: input.meta?.runId });
}

export async function generateReport(resultDir: string, opts: ReportOptions = {}): Promise<ReportResult> {
  const input = await loadReportInput(resultDir, { secrets: opts.secrets, onProgress: opts.onProgress });
  const baseline = opts.baseline ? await loadReportInput(opts.baseline, { secrets: opts.secrets, onProgress: opts.onProgress }) : undefined;
  const model = buildModel(input, { baseline, forceBaseline: opts.forceBaseline, tolerance: { ...DEFAULT_TOLERANCE, ...opts.tolerance }, now: opts.now });
  const dir = opts.write !== false ? outDirFor(input, opts) : undefined;
  // Trace links must resolve from where report.html is written, which need not be the result folder.
  const from = dir ?? (fs.statSync(input.source).isDirectory() ? input.source : path.dirname(input.source));
  for (const [title, rel] of Object.entries(model.traces)) model.traces[title] = path.relative(from, path.join(input.source, rel)).split(path.sep).join('/');
  const result: ReportResult = {
    html: await renderHtml(model),
    junit: renderJunit(model),
    markdown: renderMarkdown(model),
    verdict: model.verdict,
    model,
  };
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    // A folded recording becomes a result folder of our own, so the gate and later reports can read it.
    if (input.foldedFrom) {
      for (const [file, data] of [['summary.json', input.summary], ['timeseries.json', input.timeseries], ['meta.json', input.meta]] as const) {
        if (data && !fs.existsSync(path.join(dir, file))) writeJson(dir, file, data);
      }
    }
    const files = {
      html: path.join(dir, REPORT_FILES.html),
      junit: path.join(dir, REPORT_FILES.junit),
      markdown: path.join(dir, REPORT_FILES.markdown),
    };
    fs.writeFileSync(files.html, result.html);
    fs.writeFileSync(files.junit, result.junit);
    fs.writeFileSync(files.markdown, result.markdown);
    result.files = files;
  }
  return result;
}
