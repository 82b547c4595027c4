// The generator page. Everything the API returns is shown with textContent, never as HTML,
// so stored injection strings display as text and never run.
import { bindApiKey } from '/static/api-key.js';

const $ = (id) => document.getElementById(id);
const form = $('generate-form');
const apiKey = bindApiKey($('api-key'));
const status = $('status');
const errorBox = $('error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  errorBox.hidden = true;
  const topic = $('topic').value.trim();
  if (!apiKey()) return showError('Enter the API key printed by shipcheck serve.', $('api-key'));
  if (!topic) return showError('Enter a topic.', $('topic'));
  const button = $('generate-button');
  button.disabled = true;
  status.textContent = 'Generating…';
  try {
    const res = await fetch('/api/v1/content/generate', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey()}` },
      body: JSON.stringify({ topic, content_type: $('content-type').value, audience_level: $('audience').value }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      status.textContent = '';
      const field = { authorization: 'api-key', topic: 'topic', content_type: 'content-type', audience_level: 'audience' }[body.field];
      return showError(`${res.status}: ${body.message ?? 'the request failed'}`, field ? $(field) : undefined);
    }
    show(body);
    status.textContent = `Generated content #${body.id}.`;
  } catch (e) {
    status.textContent = '';
    showError(`Cannot reach the API: ${e.message}`);
  } finally {
    button.disabled = false;
  }
});

function show(c) {
  $('score-overall').textContent = c.quality_score.toFixed(2);
  $('score-educational').textContent = c.educational_effectiveness.toFixed(2);
  $('score-factual').textContent = c.factual_accuracy.toFixed(2);
  $('score-passed').textContent = c.quality_passed ? 'Yes' : 'No';
  $('score-duration').textContent = `${c.generation_duration_ms} ms`;
  $('result-title').textContent = `${c.topic} (${c.content_type.replaceAll('_', ' ')}, ${c.audience_level})`;
  $('result-content').textContent = c.content;
  $('result').hidden = false;
}

function showError(message, field) {
  errorBox.textContent = message;
  errorBox.hidden = false;
  if (field) field.focus();
}
