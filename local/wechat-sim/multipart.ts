/**
 * Just enough multipart/form-data (RFC 7578) for `cgi-bin/media/upload`: the boundary from the
 * Content-Type, each part's name, filename and content type, and its bytes. Anything malformed
 * yields undefined, which the API answers the way WeChat does (media data missing).
 */

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) return undefined;
  for (;;) {
    position += delimiter.length;
    // `--` after a delimiter closes the body.
    if (body[position] === 0x2d && body[position + 1] === 0x2d) return parts;
    if (!body.subarray(position, position + 2).equals(CRLF)) return undefined;
    position += 2;
    const headerEnd = body.indexOf(HEADER_END, position);
    if (headerEnd < 0) return undefined;
    const headers = body.toString('utf8', position, headerEnd).split('\r\n');
    const dataStart = headerEnd + HEADER_END.length;
    // The part's bytes end at the CRLF that precedes the next delimiter.
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), dataStart);
    if (next < 0) return undefined;
    const part = describePart(headers, body.subarray(dataStart, next));
    if (!part) return undefined;
    parts.push(part);
    position = next + CRLF.length;
  }
}

function describePart(headers: string[], data: Buffer): MultipartPart | undefined {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of headers) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const header = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (header === 'content-disposition') {
      name = /\bname="([^"]*)"/i.exec(value)?.[1];
      filename = /\bfilename="([^"]*)"/i.exec(value)?.[1];
    } else if (header === 'content-type') {
      contentType = value;
    }
  }
  if (name === undefined) return undefined;
  return { name, ...(filename !== undefined ? { filename } : {}), ...(contentType !== undefined ? { contentType } : {}), data };
}
