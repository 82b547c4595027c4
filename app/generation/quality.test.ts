import { describe, expect, it } from 'vitest';
import { CONTENT_TYPES } from '../config.ts';
import { renderContent } from './local-provider.ts';
import { assessQuality } from './quality.ts';

const thresholds = { overall: 0.7, educational: 0.75, factual: 0.85 };

describe('assessQuality', () => {
  it.each(CONTENT_TYPES)('passes the local provider\'s %s', (type) => {
    const s = assessQuality(renderContent({ topic: 'plate tectonics', contentType: type, audienceLevel: 'general' }), 'plate tectonics', type, thresholds);
    expect(s.quality_passed).toBe(true);
  });

  it('marks down thin, off-topic text with absolute claims and placeholders', () => {
    const s = assessQuality('This is always true and guaranteed. TODO: lorem ipsum.', 'plate tectonics', 'study_guide', thresholds);
    expect(s.educational_effectiveness).toBeLessThan(0.75);
    expect(s.factual_accuracy).toBeLessThan(0.85);
    expect(s.quality_score).toBeLessThan(0.7);
    expect(s.quality_passed).toBe(false);
  });

  it('applies the configured thresholds', () => {
    const text = renderContent({ topic: 'tides', contentType: 'faq', audienceLevel: 'general' });
    const scores = assessQuality(text, 'tides', 'faq', thresholds);
    expect(scores.quality_passed).toBe(true);
    expect(assessQuality(text, 'tides', 'faq', { ...thresholds, overall: scores.quality_score + 0.001 }).quality_passed).toBe(false);
    expect(assessQuality(text, 'tides', 'faq', { ...thresholds, educational: scores.educational_effectiveness + 0.001 }).quality_passed).toBe(false);
  });
});
