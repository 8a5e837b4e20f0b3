/** Admin API calls from the e2e specs over real HTTP on loopback. */

export interface HttpResult {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
  contentType: string | null;
  headers: Headers;
}

/** One admin API call; JSON bodies parsed when the response is JSON. */
export async function http(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type');
  const body = contentType?.includes('json') ? JSON.parse(text) : undefined;
  return { status: res.status, body, text, contentType, headers: res.headers };
}
