/**
 * Follows an e-mail confirmation link as a person does: the GET shows the page, its button POSTs
 * the code (only the POST confirms). Returns the POST's answer; throws if the page has no form.
 */
export async function confirmByLink(link: string): Promise<{ status: number; text: string }> {
  const page = await fetch(link);
  const html = await page.text();
  const code = /<input type="hidden" name="code" value="([^"]*)">/.exec(html)?.[1];
  if (code === undefined) throw new Error(`no confirmation form at the link (${page.status}): ${html.slice(0, 200)}`);
  const value = code.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? '');
  const res = await fetch(new URL('authrepoemail', link), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ code: value }).toString(),
  });
  return { status: res.status, text: await res.text() };
}
