/**
 * What a notice may carry as an attachment: PDF, Word (.docx), Excel (.xlsx) and PNG or JPEG
 * images — told by the content, never by the name or the Content-Type a browser guessed, and the
 * name's extension must agree with it. Everything else (HTML, SVG, scripts, macro-enabled Office
 * files, old binary .doc/.xls) is refused: attachments are served to anyone, and a file that a
 * browser or an office suite would run must not be published by the platform.
 */
import yauzl from 'yauzl';

export interface AttachmentKind {
  mediaType: string;
  extensions: readonly string[];
  /** How a person calls it: 「PDF文件」. */
  label: string;
}

export const ATTACHMENT_KINDS = {
  pdf: { mediaType: 'application/pdf', extensions: ['pdf'], label: 'PDF文件' },
  docx: { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'], label: 'Word文档（.docx）' },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'], label: 'Excel工作簿（.xlsx）' },
  png: { mediaType: 'image/png', extensions: ['png'], label: 'PNG图片' },
  jpeg: { mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'JPEG图片' },
} as const satisfies Record<string, AttachmentKind>;

export const ALLOWED_TEXT = 'PDF、Word（.docx）、Excel（.xlsx）、PNG或JPEG图片';

export class AttachmentRefused extends Error {}

const startsWith = (buf: Buffer, bytes: number[]) => bytes.every((b, i) => buf[i] === b);

/** A zip's entry names, or null when it is not a readable zip. */
async function zipEntries(buf: Buffer): Promise<string[] | null> {
  try {
    const zip = await yauzl.fromBufferPromise(buf, { lazyEntries: true, validateEntrySizes: true });
    const names: string[] = [];
    for await (const e of zip.eachEntry()) {
      names.push(e.fileName.toLowerCase());
      if (names.length > 10_000) break;
    }
    zip.close();
    return names;
  } catch {
    return null;
  }
}

/** What the content is, or why it is refused (in Chinese, naming the file). */
export async function attachmentKind(name: string, buf: Buffer): Promise<AttachmentKind> {
  let kind: AttachmentKind | undefined;
  if (buf.subarray(0, 5).toString('latin1') === '%PDF-') kind = ATTACHMENT_KINDS.pdf;
  else if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) kind = ATTACHMENT_KINDS.png;
  else if (startsWith(buf, [0xff, 0xd8, 0xff])) kind = ATTACHMENT_KINDS.jpeg;
  else if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04])) {
    const entries = await zipEntries(buf);
    if (!entries) throw new AttachmentRefused(`附件「${name}」是损坏的压缩文件，无法打开：请重新保存后上传`);
    if (entries.some((e) => e.endsWith('vbaproject.bin'))) throw new AttachmentRefused(`附件「${name}」含有宏，出于安全原因不能发布：请另存为不含宏的.docx或.xlsx后上传`);
    if (entries.includes('word/document.xml')) kind = ATTACHMENT_KINDS.docx;
    else if (entries.includes('xl/workbook.xml')) kind = ATTACHMENT_KINDS.xlsx;
    else throw new AttachmentRefused(`附件「${name}」是压缩文件，但不是Word或Excel文档：附件只能是${ALLOWED_TEXT}`);
  }
  if (!kind) throw new AttachmentRefused(`附件「${name}」的内容不是${ALLOWED_TEXT}，不能上传（扩展名不能决定文件类型，按文件内容判断）`);
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (!ext || !(kind.extensions as readonly string[]).includes(ext)) {
    throw new AttachmentRefused(`附件「${name}」的内容是${kind.label}，文件名的扩展名却${ext ? `是「.${ext}」` : '缺失'}：请把扩展名改为.${kind.extensions[0]}后上传，以免下载者打开出错`);
  }
  return kind;
}
