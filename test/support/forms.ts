/**
 * A page's form as a browser would send it back unchanged: text inputs and hidden fields, ticked
 * checkboxes as lists, the chosen radio, and each select's selected option.
 */
export function formOf(html: string): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*>/g)) {
    const tag = m[0];
    const name = m[1];
    if (name === '_csrf') continue;
    const value = /value="([^"]*)"/.exec(tag)?.[1] ?? '';
    if (/type="checkbox"/.test(tag)) {
      if (tag.includes('checked')) values[name] = [...[values[name] ?? []].flat(), value];
    } else if (/type="radio"/.test(tag)) {
      if (tag.includes('checked')) values[name] = value;
    } else values[name] = value.replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  }
  for (const m of html.matchAll(/<select[^>]*name="([^"]+)"[\s\S]*?<\/select>/g)) {
    values[m[1]] = /<option value="([^"]*)" selected/.exec(m[0])?.[1] ?? '';
  }
  return values;
}

/** The text of the GOV.UK error summary links and where each goes, in the summary's order. */
export function errorSummary(html: string): { text: string; href: string }[] {
  const list = /<ul class="govuk-list govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<a href="([^"]+)">([\s\S]*?)<\/a>/g)].map((m) => ({ href: m[1], text: m[2].trim().replace(/&#39;/g, '\'').replace(/&amp;/g, '&') }));
}
