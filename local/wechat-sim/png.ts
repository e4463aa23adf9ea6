import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

/**
 * A tiny PNG encoder for the simulator's code images (trial QR code, mini-program codes). Real
 * decoders must accept them, so the format is exact: signature, IHDR, PLTE, optional tRNS, one
 * zlib IDAT, IEND, each chunk with its CRC-32 (node:zlib's, Node 20.15+). Images are 1-bit
 * palette images: a 1280 px code is 200 KB of raw scanlines, so encoding stays in milliseconds.
 */

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export type Rgb = readonly [number, number, number];

function chunk(type: string, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(data.length, 0);
  header.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(header.subarray(4))) >>> 0);
  return Buffer.concat([header, data, crc]);
}

/** A two-colour PNG: `isSet(x, y)` pixels in `foreground`, the rest `background` (or transparent). */
export function encodeBitmapPng(
  width: number,
  height: number,
  isSet: (x: number, y: number) => boolean,
  colors: { foreground: Rgb; background: Rgb; transparentBackground?: boolean },
): Buffer {
  const rowBytes = Math.ceil(width / 8);
  const raw = Buffer.alloc((rowBytes + 1) * height); // filter byte 0 (None) leads each row
  for (let y = 0; y < height; y++) {
    const row = y * (rowBytes + 1) + 1;
    for (let x = 0; x < width; x++) if (isSet(x, y)) raw[row + (x >> 3)]! |= 0x80 >> (x & 7);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 3; // colour type: palette
  // compression, filter and interlace methods stay 0
  const plte = Buffer.from([...colors.background, ...colors.foreground]);
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('PLTE', plte),
    ...(colors.transparentBackground ? [chunk('tRNS', Buffer.from([0, 255]))] : []),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface CodeImageOptions {
  /** Whatever identifies the code (appid, path, scene…): the same seed draws the same image. */
  seed: string;
  /** Side in pixels. */
  width: number;
  /** `circle` for mini-program codes (WeChat's round "sun code"), `square` for QR codes. */
  shape: 'circle' | 'square';
  lineColor?: Rgb;
  /** Transparent background (WeChat's `is_hyaline`). */
  transparent?: boolean;
}

const GRID_MODULES = 29;
const QUIET_MODULES = 2;

/**
 * A QR-like picture: three finder squares and a module pattern drawn from SHA-256 of the seed.
 * It does not scan as a real code; it is deterministic, differs for different inputs, and is a
 * valid PNG, which is what a platform storing and serving the bytes can observe.
 */
export function renderCodeImage({ seed, width, shape, lineColor = [0, 0, 0], transparent = false }: CodeImageOptions): Buffer {
  const bits = bitsFromSeed(seed, GRID_MODULES * GRID_MODULES);
  const centre = (GRID_MODULES - 1) / 2;
  // The module grid first, so drawing a 1280 px image is a lookup per pixel.
  const cells = new Uint8Array(GRID_MODULES * GRID_MODULES);
  for (let my = 0; my < GRID_MODULES; my++) {
    for (let mx = 0; mx < GRID_MODULES; mx++) {
      const fixed = finderModule(mx, my);
      const inside = shape === 'square' || (mx - centre) ** 2 + (my - centre) ** 2 <= (centre + 0.5) ** 2;
      cells[my * GRID_MODULES + mx] = (fixed ?? (inside && bits[my * GRID_MODULES + mx]!)) ? 1 : 0;
    }
  }
  const total = GRID_MODULES + 2 * QUIET_MODULES;
  const moduleSize = Math.max(1, Math.floor(width / total));
  const offset = Math.floor((width - moduleSize * total) / 2) + QUIET_MODULES * moduleSize;
  // Module index of each pixel column/row, -1 in the margins.
  const moduleAt = Int16Array.from({ length: width }, (_, p) => {
    const m = Math.floor((p - offset) / moduleSize);
    return p < offset || m >= GRID_MODULES ? -1 : m;
  });
  return encodeBitmapPng(
    width,
    width,
    (x, y) => {
      const mx = moduleAt[x]!;
      const my = moduleAt[y]!;
      return mx >= 0 && my >= 0 && cells[my * GRID_MODULES + mx] === 1;
    },
    { foreground: lineColor, background: [255, 255, 255], transparentBackground: transparent },
  );
}

/** QR-style finder squares in three corners (with their light separators); undefined elsewhere. */
function finderModule(mx: number, my: number): boolean | undefined {
  for (const [fx, fy] of [
    [0, 0],
    [GRID_MODULES - 7, 0],
    [0, GRID_MODULES - 7],
  ] as const) {
    const dx = mx - fx;
    const dy = my - fy;
    if (dx < -1 || dy < -1 || dx > 7 || dy > 7) continue;
    if (dx === -1 || dy === -1 || dx === 7 || dy === 7) return false; // separator
    return Math.min(dx, dy, 6 - dx, 6 - dy) !== 1; // dark ring, light ring, dark centre
  }
  return undefined;
}

function bitsFromSeed(seed: string, count: number): boolean[] {
  const bits: boolean[] = [];
  for (let block = 0; bits.length < count; block++) {
    const digest = createHash('sha256').update(`${block}:${seed}`).digest();
    for (const byte of digest) for (let bit = 0; bit < 8 && bits.length < count; bit++) bits.push(((byte >> bit) & 1) === 1);
  }
  return bits;
}

/** Width and height from a PNG's IHDR, or undefined when `bytes` is not a PNG (for tests and callers). */
export function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
