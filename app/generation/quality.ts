/**
 * Scores a piece of content on three axes, each 0..1, and checks them against the configured
 * thresholds (QUALITY_MIN_OVERALL 0.70, QUALITY_MIN_EDUCATIONAL 0.75, QUALITY_MIN_FACTUAL 0.85):
 * - educational effectiveness: objectives, examples, practice questions, structure, depth, variety;
 * - factual accuracy: free of absolute or unsupported claims, placeholders and refusals;
 * - overall: the weighted blend plus how well the text stays on the topic.
 */
import type { ContentType } from '../config.ts';

export interface QualityScores {
  quality_score: number;
  educational_effectiveness: number;
  factual_accuracy: number;
  quality_passed: boolean;
}

export interface QualityThresholds { overall: number; educational: number; factual: number }

const MIN_LENGTH: Record<ContentType, number> = {
  master_outline: 200, podcast_script: 250, study_guide: 200, one_pager_summary: 200,
  detailed_reading: 400, faq: 250, flashcards: 200, reading_questions: 150,
};

const ABSOLUTES = /\b(always|never|guaranteed|100%|everyone knows|undeniabl[ey]|proven fact)\b/gi;
const PLACEHOLDERS = /\b(lorem ipsum|TODO|TBD|as an ai language model|i cannot|i can't help)\b/gi;

export function assessQuality(content: string, topic: string, contentType: ContentType, thresholds: QualityThresholds): QualityScores {
  const text = content.toLowerCase();
  const has = (re: RegExp) => (re.test(text) ? 1 : 0);

  const objectives = has(/objective|you will|learn/);
  const examples = has(/example|for instance|case/);
  const questions = Math.min(1, (content.match(/\?/g)?.length ?? 0) / 2);
  const structure = Math.min(1, (content.match(/^(#{1,3} |- |\d+\. |Q: |Card \d|[A-Z]+: )/gm)?.length ?? 0) / 5);
  // Depth: full marks at 2.5× the type's minimum length.
  const length = Math.min(1, content.length / (MIN_LENGTH[contentType] * 2.5));
  const words = content.split(/\s+/).length || 1;
  // Variety: repetitive text (the same few words again and again) teaches less.
  const variety = Math.min(1, new Set(text.split(/[^\p{L}\p{N}]+/u).filter(Boolean)).size / words / 0.7);
  const educational = 0.2 * objectives + 0.2 * examples + 0.15 * questions + 0.15 * structure + 0.15 * length + 0.15 * variety;

  const absolutes = content.match(ABSOLUTES)?.length ?? 0;
  const placeholders = content.match(PLACEHOLDERS)?.length ?? 0;
  const factual = clamp(1 - (absolutes / words) * 20 - placeholders * 0.25);

  const topicWords = topic.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 2);
  const coverage = topicWords.length === 0 ? 1 : topicWords.filter((w) => text.includes(w)).length / topicWords.length;
  const overall = 0.4 * educational + 0.4 * factual + 0.2 * coverage;

  const scores = { quality_score: round(overall), educational_effectiveness: round(educational), factual_accuracy: round(factual) };
  return {
    ...scores,
    quality_passed: scores.quality_score >= thresholds.overall && scores.educational_effectiveness >= thresholds.educational && scores.factual_accuracy >= thresholds.factual,
  };
}

const clamp = (n: number) => Math.max(0, Math.min(1, n));
const round = (n: number) => Math.round(clamp(n) * 1000) / 1000;
