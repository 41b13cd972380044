import type { PageClient } from './http.ts';

/**
 * Follows a background job's page as a person would, pressing "Check progress" until the job has
 * finished and the page sends them on (the job runs in the test app's own process meanwhile).
 * Returns where it went: the result's page.
 */
export async function followJob(client: PageClient, jobUrl: string, tries = 400): Promise<string> {
  if (!/^\/identification\/jobs\/[0-9a-f-]{36}$/.test(jobUrl)) throw new Error(`Not a job page: ${jobUrl}`);
  for (let i = 0; i < tries; i += 1) {
    const page = await client.get(jobUrl);
    if (page.statusCode === 303 || page.statusCode === 302) return page.headers.location as string;
    if (page.statusCode !== 200) throw new Error(`The job page answered ${page.statusCode}`);
    if (!page.body.includes('Check progress')) return jobUrl;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`The job at ${jobUrl} did not finish`);
}
