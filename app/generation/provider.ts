import type { AudienceLevel, ContentType } from '../config.ts';

export interface GenerationRequest { topic: string; contentType: ContentType; audienceLevel: AudienceLevel }

/** Something that writes educational content: the local generator or a remote model. */
export interface ContentProvider {
  readonly name: string;
  generate(req: GenerationRequest): Promise<string>;
}

/** A provider failure. `retryable` says whether another attempt could succeed (timeouts, 5xx, 429). */
export class ProviderError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, cause?: unknown) {
    super(message, { cause });
    this.name = 'ProviderError';
    this.retryable = retryable;
  }
}
