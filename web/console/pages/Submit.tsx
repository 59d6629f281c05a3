/** 数据报送: one file of one granted item → upload (with progress) → background import (polled) → result. */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Progress, Select, Space, Typography, Upload } from 'antd';
import { InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { ApiError, api, describeError, uploadFile } from '../../ui/api';
import { t } from '../../ui/i18n';
import { usePollWhileImporting, useInfoItems, type BatchView } from '../collection';
import type { Me } from '../session';
import { BatchCounts, BatchProgress, ErrorsLink, IssueTable, StatusTag } from './BatchParts';

/** A refused upload: a whole-file problem (422, the server's possibly multi-line reason) or another error. */
interface Refusal {
  title: string;
  message: string;
}

/** What the importer reads (collection: CSV, also saved as .txt, and XLSX workbooks). */
const READABLE = /\.(csv|txt|xlsx)$/i;

function refusal(err: unknown): Refusal {
  if (err instanceof ApiError && err.status === 422) return { title: t('文件不能导入'), message: err.message };
  if (err instanceof ApiError && err.status === 413) return { title: t('文件过大'), message: err.message };
  return { title: t('上传失败'), message: describeError(err) };
}

export function SubmitPage({ me }: { me: Me }) {
  const departmentId = me.user.departmentId;
  const items = useInfoItems();
  const [granted, setGranted] = useState<string[] | null>(null);
  const [maxFileBytes, setMaxFileBytes] = useState<number | null>(null);
  const [itemCode, setItemCode] = useState<string>();
  const [file, setFile] = useState<File | null>(null);
  /** Fraction of the file sent, while the upload runs. */
  const [sent, setSent] = useState<number | null>(null);
  const [batch, setBatch] = useState<BatchView | null>(null);
  const [refused, setRefused] = useState<Refusal | null>(null);
  const [pollError, setPollError] = useState('');
  usePollWhileImporting(batch, setBatch, setPollError);

  useEffect(() => {
    if (!departmentId) return;
    api<{ itemCodes: string[]; maxFileBytes: number }>('GET', `/api/v1/collection/grants/${departmentId}`)
      .then((g) => {
        setGranted(g.itemCodes);
        setMaxFileBytes(g.maxFileBytes);
        // One granted item (the usual case) needs no choosing.
        if (g.itemCodes.length === 1) setItemCode(g.itemCodes[0]);
      })
      .catch((err) => setRefused({ title: t('无法读取报送目录'), message: describeError(err) }));
  }, [departmentId]);

  const nameOf = (code: string) => items.find((i) => i.code === code)?.name ?? code;

  /** A dropped file skips the file dialog's type filter: one the importer cannot read is refused here, by name. */
  const choose = (f: File) => {
    if (READABLE.test(f.name)) {
      setFile(f);
      return;
    }
    setFile(null);
    setBatch(null);
    setRefused({ title: t('文件类型不支持'), message: t('「{name}」不是 XLSX 工作簿或 CSV 文件，请选择 .xlsx、.csv 或 .txt 文件', { name: f.name }) });
  };
  const busy = sent !== null || batch?.status === 'importing';

  const submit = async () => {
    if (!file || !itemCode) return;
    // Refused here, not by the server: a browser may see only a dropped connection for a 413.
    if (maxFileBytes !== null && file.size > maxFileBytes) {
      setBatch(null);
      setRefused({ title: t('文件过大'), message: t('文件大小{size} MB，超过{max} MB的上限，请拆分后上传', { size: (file.size / 1048576).toFixed(1), max: Math.round(maxFileBytes / 1048576) }) });
      return;
    }
    setRefused(null);
    setPollError('');
    setBatch(null);
    setSent(0);
    try {
      setBatch(await uploadFile<BatchView>(`/api/v1/collection/files?item=${encodeURIComponent(itemCode)}`, file, setSent));
    } catch (err) {
      setRefused(refusal(err));
    } finally {
      setSent(null);
    }
  };

  if (!departmentId) return <Alert type="warning" showIcon message={t('账号未归属部门，不能报送数据，请联系系统管理员。')} />;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={t('数据报送')}>
        {granted?.length === 0 && (
          <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('本部门尚未开通可报送的信息项，请联系信用办在“报送目录”中开通。')} />
        )}
        <Form layout="vertical" style={{ maxWidth: 560 }} onFinish={submit}>
          <Form.Item label={t('信息项')} htmlFor="collection-item" required>
            <Select id="collection-item" value={itemCode} onChange={setItemCode} placeholder={t('选择信息项')} data-testid="upload-item"
              options={(granted ?? []).map((code) => ({ value: code, label: t('{name}（{code}）', { name: nameOf(code), code }) }))} />
          </Form.Item>
          <Form.Item label={t('文件')} htmlFor="collection-file" required
            extra={
              <>
                {t('接受 XLSX 工作簿或 CSV 文件（UTF-8 或 GBK 编码），表头用中文字段名称或字段代码均可。')}
                {itemCode && (
                  <> <a href={`/api/v1/collection/templates/${encodeURIComponent(itemCode)}`} download data-testid="template-link">{t('下载报送模板（XLSX）')}</a></>
                )}
              </>
            }>
            {/* Nothing is sent on choosing (beforeUpload returns false): 上传并导入 sends it, with progress. data-testid reaches the hidden file input. */}
            <Upload.Dragger id="collection-file" data-testid="upload-input" accept=".csv,.txt,.xlsx" multiple={false} disabled={busy}
              beforeUpload={(f) => { choose(f); return false; }}
              fileList={file ? [{ uid: 'chosen', name: file.name, size: file.size, status: 'done' }] : []}
              onRemove={() => setFile(null)} showUploadList={{ showRemoveIcon: !busy }}>
              <p className="ant-upload-drag-icon"><InboxOutlined /></p>
              <p className="ant-upload-text">{t('点击选择文件，或将文件拖到此处')}</p>
              <p className="ant-upload-hint">{t('一次上传一个文件')}</p>
            </Upload.Dragger>
          </Form.Item>
          <Button type="primary" htmlType="submit" icon={<UploadOutlined />} disabled={!file || !itemCode} loading={busy} data-testid="upload-submit">
            {t('上传并导入')}
          </Button>
        </Form>
        {sent !== null && <Progress percent={Math.round(sent * 100)} status="active" format={(p) => t('上传 {percent}%', { percent: p ?? 0 })} style={{ marginTop: 16 }} />}
        {refused && (
          <Alert type="error" showIcon style={{ marginTop: 16 }} data-testid="upload-error" message={refused.title}
            description={<div style={{ whiteSpace: 'pre-line' }}>{refused.message}</div>} />
        )}
      </Card>
      {batch && <ResultCard batch={batch} pollError={pollError} />}
    </Space>
  );
}

function ResultCard({ batch, pollError }: { batch: BatchView; pollError: string }) {
  return (
    <Card data-testid="upload-result" title={<Space wrap style={{ whiteSpace: 'normal', wordBreak: 'break-all' }}>{t('导入结果：{name}', { name: batch.fileName ?? batch.itemName })}<StatusTag status={batch.status} /></Space>}
      extra={<a href="#/batches">{t('查看全部批次')}</a>}>
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        {pollError && <Alert type="warning" showIcon message={pollError} />}
        {batch.status === 'importing' && <BatchProgress batch={batch} />}
        {batch.failure && <Alert type="error" showIcon message={t('文件未导入')} description={<div style={{ whiteSpace: 'pre-line' }}>{batch.failure}</div>} />}
        {batch.status === 'imported' && (
          <>
            <BatchCounts batch={batch} />
            {batch.review.status === 'pending' && (
              <Alert type="info" showIcon message={t('新增和变更的记录须经本部门审核员审核通过后才公示。')} data-testid="awaiting-review" />
            )}
            {batch.rejected > 0 ? (
              <>
                <Typography.Text>{t('被拒绝的行未导入，改正后可重新上传整个文件（已导入的行不会重复）。')}</Typography.Text>
                <ErrorsLink batch={batch} />
                <IssueTable batch={batch} kind="rejected" />
              </>
            ) : (
              <Alert type="success" showIcon message={t('全部行已导入。')} />
            )}
          </>
        )}
      </Space>
    </Card>
  );
}
