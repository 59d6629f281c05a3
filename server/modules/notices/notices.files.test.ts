import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ATTACHMENT_KINDS, AttachmentRefused, attachmentKind } from './notices.files.js';
import { docmFile, docxFile, htmlFile, jpegFile, pdfFile, plainZip, pngFile, svgFile, xlsxFile } from '../../../test/notice-files.js';

describe('notice attachment types', () => {
  it('tells PDF, Word, Excel, PNG and JPEG by their content', async () => {
    assert.equal(await attachmentKind('通知.pdf', pdfFile()), ATTACHMENT_KINDS.pdf);
    assert.equal(await attachmentKind('申请书.DOCX', docxFile()), ATTACHMENT_KINDS.docx);
    assert.equal(await attachmentKind('名单.xlsx', xlsxFile()), ATTACHMENT_KINDS.xlsx);
    assert.equal(await attachmentKind('海报.png', pngFile()), ATTACHMENT_KINDS.png);
    assert.equal(await attachmentKind('照片.jpeg', jpegFile()), ATTACHMENT_KINDS.jpeg);
    assert.equal(await attachmentKind('照片.jpg', jpegFile()), ATTACHMENT_KINDS.jpeg);
  });

  it('refuses what a browser or office suite would run, whatever the name says, in Chinese', async () => {
    const refused = async (name: string, body: Buffer, pattern: RegExp) =>
      assert.rejects(attachmentKind(name, body), (err: Error) => err instanceof AttachmentRefused && pattern.test(err.message) && err.message.includes(name));
    await refused('公告.pdf', htmlFile(), /内容不是PDF、Word（\.docx）、Excel（\.xlsx）、PNG或JPEG图片/);
    await refused('图标.png', svgFile(), /内容不是/);
    await refused('宏.docx', docmFile(), /含有宏/);
    await refused('资料.docx', plainZip(), /不是Word或Excel文档/);
    await refused('损坏.docx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(20)]), /损坏的压缩文件/);
  });

  it('refuses a name whose extension does not match the content, saying which it should be', async () => {
    await assert.rejects(attachmentKind('通知.pdf', pngFile()), /内容是PNG图片，文件名的扩展名却是「\.pdf」：请把扩展名改为\.png/);
    await assert.rejects(attachmentKind('通知', pdfFile()), /扩展名却缺失/);
  });
});
