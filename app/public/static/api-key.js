// The API key typed into a page, kept for this tab only (sessionStorage), never in the URL.
const STORAGE = 'shipcheck.apiKey';
export function bindApiKey(input) {
  input.value = sessionStorage.getItem(STORAGE) ?? '';
  input.addEventListener('change', () => sessionStorage.setItem(STORAGE, input.value.trim()));
  return () => input.value.trim();
}
