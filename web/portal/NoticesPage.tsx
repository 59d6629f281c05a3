/**
 * 信用动态 (news and notices) as the credit office publishes them in the console:
 *
 * - #/notices?page= — published notices, newest first, each with its date and opening lines;
 * - #/notices/<id> — one notice: its body as text (paragraphs at blank lines; nothing in it is read
 *   as markup — React writes it as text, and the page's CSP runs no inline script anyway) and its
 *   attachments, downloaded, never opened in the page.
 *
 * A draft or a withdrawn notice is not there: the API answers 404, and the page says so.
 */
import { useEffect, useRef } from 'react';
import { Alert, Card, Empty, List, Pagination, Space, Spin, Typography } from 'antd';
import { ArrowLeftOutlined, PaperClipOutlined } from '@ant-design/icons';
import type { PublicNotice, PublicNoticeList } from '../../common/notices-api';
import { t } from '../ui/i18n';
import { go, type Route } from './route';
import { useAnswer } from './use-answer';

const PAGE_SIZE = 10;

export const noticeHref = (id: string) => `#/notices/${encodeURIComponent(id)}`;

/** The day in China (UTC+8), as the notice was dated. */
const chinaDate = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);

function size(bytes: number): string {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function NoticesPage({ route }: { route: Route }) {
  const id = route.path[1];
  return id ? <NoticePage id={id} /> : <NoticeListPage route={route} />;
}


function NoticeListPage({ route }: { route: Route }) {
  const page = Math.max(1, Number(route.params.get('page') ?? 1) || 1);
  const { data, error, loading } = useAnswer<PublicNoticeList>(`/api/public/v1/notices?page=${page}&pageSize=${PAGE_SIZE}`);
  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('信用动态')}</Typography.Title>} data-testid="notices">
      {error && <Alert type="error" showIcon message={error} />}
      {loading && <Spin />}
      {data && (
        <>
          <List
            data-testid="notice-list"
            dataSource={data.items}
            locale={{ emptyText: <Empty description={page > 1 ? t('这一页没有公告') : t('暂无信用动态')} /> }}
            renderItem={(n) => (
              <List.Item>
                <Space direction="vertical" size={2} style={{ width: '100%' }}>
                  <Typography.Link href={noticeHref(n.id)} strong style={{ fontSize: 16 }}>{n.title}</Typography.Link>
                  <Typography.Text type="secondary">
                    {chinaDate(n.publishedAt)}{n.attachments > 0 ? ` · ${t('附件{count}个', { count: n.attachments })}` : ''}
                  </Typography.Text>
                  <Typography.Text style={{ wordBreak: 'break-word' }}>{n.excerpt}</Typography.Text>
                </Space>
              </List.Item>
            )}
          />
          {data.total > PAGE_SIZE && (
            <Pagination style={{ marginTop: 16 }} current={page} pageSize={PAGE_SIZE} total={data.total} showSizeChanger={false} size="small" onChange={(p) => go('notices', { page: p })} />
          )}
          {page > 1 && data.items.length === 0 && <Typography.Link href="#/notices">{t('回到第一页')}</Typography.Link>}
        </>
      )}
    </Card>
  );
}

function NoticePage({ id }: { id: string }) {
  const { data: n, error, loading } = useAnswer<PublicNotice>(`/api/public/v1/notices/${encodeURIComponent(id)}`);
  const heading = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (n) heading.current?.focus({ preventScroll: true });
  }, [n]);
  const paragraphs = n ? n.body.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean) : [];
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Link href="#/notices" data-testid="notice-back"><ArrowLeftOutlined /> {t('返回信用动态列表')}</Typography.Link>
      {error && <Alert type="error" showIcon message={error} />}
      {loading && <Spin />}
      {n && (
        <Card data-testid="notice"
          title={
            <Typography.Title level={4} style={{ margin: 0, whiteSpace: 'normal' }}>
              <span ref={heading} tabIndex={-1} style={{ outline: 'none' }}>{n.title}</span>
            </Typography.Title>
          }>
          <Typography.Paragraph type="secondary">{t('发布日期：{date}', { date: chinaDate(n.publishedAt) })}</Typography.Paragraph>
          <div data-testid="notice-body">
            {paragraphs.map((p, i) => (
              // Text, never markup; single line breaks stay line breaks.
              <Typography.Paragraph key={i} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{p}</Typography.Paragraph>
            ))}
          </div>
          {n.attachments.length > 0 && (
            <section aria-labelledby="notice-attachments">
              <Typography.Title level={5} id="notice-attachments">{t('附件')}</Typography.Title>
              <List size="small" bordered dataSource={n.attachments} data-testid="notice-attachments"
                renderItem={(a) => (
                  <List.Item>
                    <Typography.Link href={`/api/public/v1/notices/${encodeURIComponent(n.id)}/attachments/${encodeURIComponent(a.id)}`} download={a.name} style={{ wordBreak: 'break-all' }}>
                      <PaperClipOutlined /> {a.name}
                    </Typography.Link>
                    <Typography.Text type="secondary" style={{ marginLeft: 8, whiteSpace: 'nowrap' }}>{size(a.size)}</Typography.Text>
                  </List.Item>
                )} />
            </section>
          )}
        </Card>
      )}
    </Space>
  );
}
