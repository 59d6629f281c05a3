/**
 * The home page below its first screen (the search box and quick links, in App.tsx): the headline
 * figures and chart, the code check and the services. Loaded after the first screen is usable;
 * ECharts only with the figures, after this.
 */
import { lazy, Suspense, useState } from 'react';
import { Alert, Card, Col, Descriptions, Input, List, Radio, Row, Space, Tag, Typography } from 'antd';
import { api, describeError } from '../ui/api';
import { colon, inBrackets, t } from '../ui/i18n';
import { issueText } from './code-issues';

interface Issue {
  code: string;
  message: string;
  position?: number;
}
interface Validation {
  valid: boolean;
  kind: 'uscc' | 'id';
  kindInferred: boolean;
  normalized: string;
  parts: Record<string, unknown> | null;
  errors: Issue[];
  warnings: Issue[];
}

const Figures = lazy(() => import('./Figures').then((m) => ({ default: m.Figures })));

function CodeCheck() {
  const [code, setCode] = useState('');
  const [kind, setKind] = useState<'auto' | 'uscc' | 'id'>('auto');
  const [result, setResult] = useState<Validation | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);

  const check = async () => {
    setLoading(true);
    setError('');
    try {
      setResult(await api<Validation>('POST', '/api/v1/codes/validate', { code, ...(kind === 'auto' ? {} : { kind }) }));
    } catch (err) {
      setResult(null);
      setError(describeError(err));
    } finally {
      setLoading(false);
    }
  };

  const parts = result?.parts as
    | { registrationAuthority?: { name: string }; entityType?: { name: string }; region?: { code: string; name: string | null }; organizationCode?: string; birthDate?: string; sex?: string }
    | null
    | undefined;

  return (
    <Card title={t('代码校验')} id="code-check">
      <Space direction="vertical" style={{ width: '100%' }}>
        {/* Short English labels (|short): the three stay on one line on a phone. */}
        <Radio.Group value={kind} onChange={(e) => setKind(e.target.value)} optionType="button" size="small"
          options={[{ label: t('自动识别'), value: 'auto' }, { label: t('统一社会信用代码|short'), value: 'uscc' }, { label: t('身份证号码|short'), value: 'id' }]} />
        <Input.Search
          aria-label={t('待校验的代码')}
          placeholder={t('信用代码或身份证号码')}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          onSearch={check}
          enterButton={t('校验')}
          loading={loading}
          maxLength={40}
        />
        {error && <Alert type="error" message={error} showIcon />}
        {result && (
          <>
            <Alert
              type={result.valid ? 'success' : 'error'}
              showIcon
              message={`${t(result.valid ? '校验通过' : '校验未通过')}${colon()}${t(result.kind === 'uscc' ? '统一社会信用代码' : '身份证号码')}${result.kindInferred ? inBrackets(t('自动识别')) : ''} ${result.normalized}`}
            />
            {result.errors.length > 0 && <List size="small" dataSource={result.errors} renderItem={(e) => <List.Item><Tag color="red">{t('错误')}</Tag>{issueText(e)}</List.Item>} />}
            {result.warnings.length > 0 && <List size="small" dataSource={result.warnings} renderItem={(e) => <List.Item><Tag color="orange">{t('提示')}</Tag>{issueText(e)}</List.Item>} />}
            {result.valid && parts && result.kind === 'uscc' && (
              <Descriptions size="small" column={1} bordered>
                <Descriptions.Item label={t('登记管理部门')}>{parts.registrationAuthority && t(parts.registrationAuthority.name)}</Descriptions.Item>
                <Descriptions.Item label={t('机构类别')}>{parts.entityType && t(parts.entityType.name)}</Descriptions.Item>
                <Descriptions.Item label={t('登记管理机关行政区划')}>{parts.region?.name ?? parts.region?.code}</Descriptions.Item>
                <Descriptions.Item label={t('主体标识码（组织机构代码）')}>{parts.organizationCode}</Descriptions.Item>
              </Descriptions>
            )}
            {result.valid && result.kind === 'id' && <Typography.Text type="secondary">{t('身份证号码的出生日期、性别等信息不在此处显示。')}</Typography.Text>}
          </>
        )}
      </Space>
    </Card>
  );
}

export function HomeMore() {
  return (
    <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
      <Col xs={24}><Suspense fallback={null}><Figures /></Suspense></Col>
      <Col xs={24} md={14}><CodeCheck /></Col>
      <Col xs={24} md={10}>
        <Card title={t('服务')}>
          <Space direction="vertical" size={0}>
            <Typography.Link href="/docs">{t('开放接口文档')}</Typography.Link>
            <Typography.Link href="/console/">{t('工作人员登录管理后台')}</Typography.Link>
          </Space>
        </Card>
      </Col>
    </Row>
  );
}
