/**
 * A table that may be wider than its card (a phone is 375 px wide): it scrolls sideways inside the
 * card, never the page, and says so above itself while its columns do not all fit — a cut-off
 * column alone does not tell anyone there is more.
 */
import { useEffect, useRef, useState } from 'react';
import { Table, Typography, type TableProps } from 'antd';
import { SwapOutlined } from '@ant-design/icons';
import { t } from './i18n';

export function WideTable<T extends object>({ scroll, ...props }: TableProps<T>) {
  const box = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // antd scrolls the table in .ant-table-content, or in .ant-table-body when the header is fixed.
    const scroller = () => el.querySelector<HTMLElement>('.ant-table-content, .ant-table-body');
    const check = () => {
      const s = scroller();
      setOverflows(s !== null && s.scrollWidth > s.clientWidth + 1);
    };
    check();
    // Rows arriving or the screen turning change the widths without changing the data.
    const observer = new ResizeObserver(check);
    observer.observe(el);
    const inner = scroller()?.firstElementChild;
    if (inner) observer.observe(inner);
    return () => observer.disconnect();
  }, [props.dataSource, props.columns]);

  return (
    <div ref={box}>
      {overflows && (
        <Typography.Text type="secondary" data-testid="scroll-hint" style={{ display: 'block', textAlign: 'end', fontSize: 12, marginBottom: 4 }}>
          <SwapOutlined /> {t('左右滑动查看更多')}
        </Typography.Text>
      )}
      <Table<T> scroll={{ x: 'max-content', ...scroll }} {...props} />
    </div>
  );
}
