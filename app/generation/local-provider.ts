/**
 * The default provider: writes structured content from templates, with no network. The text
 * depends only on the request, so the same request gives the same content; the simulated
 * latency (LOCAL_PROVIDER_LATENCY_MS ± LOCAL_PROVIDER_JITTER_MS) makes load tests see a
 * generation cost without a real model.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AudienceLevel, ContentType } from '../config.ts';
import type { ContentProvider, GenerationRequest } from './provider.ts';

const DEPTH: Record<AudienceLevel, string> = {
  general: 'for a general reader',
  beginner: 'for a beginner with no prior knowledge',
  intermediate: 'for a learner who knows the basics',
  advanced: 'for an advanced learner',
};

export class LocalProvider implements ContentProvider {
  readonly name = 'local';
  constructor(private readonly latencyMs: number, private readonly jitterMs: number) {}

  async generate(req: GenerationRequest): Promise<string> {
    const delay = this.latencyMs + (this.jitterMs ? Math.round((Math.random() * 2 - 1) * this.jitterMs) : 0);
    if (delay > 0) await sleep(delay);
    return renderContent(req);
  }
}

export function renderContent({ topic, contentType, audienceLevel }: GenerationRequest): string {
  const t = topic.trim();
  const who = DEPTH[audienceLevel];
  const body = TEMPLATES[contentType](t, who);
  return `# ${TITLES[contentType]}: ${t}\n\nLearning objectives (${who}):\n- Explain what ${t} is and why it matters.\n- Describe the main parts of ${t} with an example.\n- Apply ${t} to a new situation.\n\n${body}\n\nSummary: ${t} is best learned by connecting its key ideas to examples and checking understanding with questions.\n`;
}

export const TITLES: Record<ContentType, string> = {
  master_outline: 'Master outline',
  podcast_script: 'Podcast script',
  study_guide: 'Study guide',
  one_pager_summary: 'One-page summary',
  detailed_reading: 'Detailed reading',
  faq: 'Frequently asked questions',
  flashcards: 'Flashcards',
  reading_questions: 'Reading questions',
};

const TEMPLATES: Record<ContentType, (t: string, who: string) => string> = {
  master_outline: (t) => `## 1. Introduction to ${t}\n- Definition and context\n- Why ${t} matters\n## 2. Key concepts of ${t}\n- Core ideas\n- Example: a worked case of ${t}\n## 3. Applying ${t}\n- Practice activity\n## 4. Review\n- Questions to check understanding of ${t}?`,
  podcast_script: (t) => `HOST: Welcome! Today we explore ${t}.\nGUEST: Thanks. ${t} is a topic with a few key ideas worth knowing.\nHOST: What is the first key concept?\nGUEST: Start with the definition, then look at an example of ${t} in practice.\nHOST: How can listeners apply it?\nGUEST: Try a small exercise and ask: where does ${t} show up in my work?\nHOST: Great. Questions to think about before next episode: what surprised you about ${t}?`,
  study_guide: (t) => `## Key concepts\n- The definition of ${t}\n- The main parts of ${t}\n## Example\nA worked example shows ${t} step by step.\n## Practice\n1. Explain ${t} in your own words.\n2. Give an example of ${t}.\n## Self-check questions\n- What is ${t}?\n- Why does ${t} matter?`,
  one_pager_summary: (t) => `## What it is\n${t} in one paragraph: its definition and key concept.\n## Why it matters\nThe main reasons to learn ${t}.\n## Example\nOne short example of ${t}.\n## Key takeaways\n- ${t} has a few core ideas.\n- Practice makes them stick.\n## Question to reflect on\nWhere could you use ${t}?`,
  detailed_reading: (t) => `## Background\n${t} developed as people needed a clear way to reason about its key concepts.\n## Core ideas\nEach key concept of ${t} builds on the previous one; an example makes each concrete.\n## Example in depth\nConsider a realistic case where ${t} is applied step by step.\n## Common misconceptions\nLearners sometimes confuse ${t} with related ideas; compare them carefully.\n## Questions for discussion\n- How would you explain ${t} to a friend?\n- What example of ${t} do you find most convincing?`,
  faq: (t) => `Q: What is ${t}?\nA: ${t} is a set of key concepts that explain a part of the world.\nQ: Why should I learn ${t}?\nA: Because it helps you reason about examples you meet in practice.\nQ: What is a good example of ${t}?\nA: A worked example that applies each key concept in turn.\nQ: How do I check my understanding of ${t}?\nA: Answer practice questions and explain ${t} in your own words.`,
  flashcards: (t) => `Card 1 — Front: What is ${t}? / Back: Its definition and key concept.\nCard 2 — Front: Why does ${t} matter? / Back: It explains examples met in practice.\nCard 3 — Front: Give an example of ${t}. / Back: A worked example applying each key concept.\nCard 4 — Front: What is a common misconception about ${t}? / Back: Confusing it with a related idea.\nCard 5 — Front: How can you apply ${t}? / Back: Practice on a new question.`,
  reading_questions: (t) => `## Before reading\n1. What do you already know about ${t}?\n## While reading\n2. What is the key concept of ${t}?\n3. Which example best shows ${t} at work?\n## After reading\n4. How would you apply ${t} to a new problem?\n5. What questions about ${t} remain open for you?`,
};
