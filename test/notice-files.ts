/** Small files of each kind an attachment may be (and some it may not), for the notices' tests. */
import { strToU8, zipSync } from 'fflate';

export const pdfFile = () => Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
export const pngFile = () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);
export const jpegFile = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(32, 2)]);
// A fixed time in the entries: the same call gives the same bytes, also across a second boundary.
const zip = (files: Record<string, string>) => Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])), { mtime: '2026-01-01T00:00:00Z' }));
export const docxFile = () => zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
export const xlsxFile = () => zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' });
export const docmFile = () => zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>', 'word/vbaProject.bin': 'macro' });
export const plainZip = () => zip({ 'readme.txt': 'hello' });
export const htmlFile = () => Buffer.from('<html><script>alert(1)</script></html>', 'utf8');
export const svgFile = () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'utf8');
