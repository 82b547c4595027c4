// A remote module the engine cannot fetch: a clear error naming the URL (exit 107).
import { thing } from 'https://example.com/lib/thing.js';

export default function () { thing(); }
