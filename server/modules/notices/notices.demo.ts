/**
 * What a first start shows under 信用动态 (demo data only): three plausible notices of a city's
 * credit office, published over the last weeks. Synthetic: no real body issued them.
 */
import type { NoticeDraft } from './notices.service.js';

const DAY = 86_400_000;

export function demoNotices(now: Date): (NoticeDraft & { publishedAt: Date })[] {
  const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);
  return [
    {
      title: '关于开展2026年度“诚信建设万里行”主题宣传活动的通知',
      body: [
        '各县（市、区）社会信用体系建设牵头部门，市直各有关单位：',
        '为营造“知信、用信、守信”的良好社会氛围，定于本年度开展“诚信建设万里行”主题宣传活动。各单位应结合本行业特点，组织开展诚信宣传进企业、进社区、进校园活动，并于每季度末将活动开展情况报送市社会信用体系建设领导小组办公室。',
        '本通知为演示数据，不具有任何效力。',
      ].join('\n\n'),
      publishedAt: daysAgo(3),
    },
    {
      title: '信用修复申请指南（依据《信用修复管理办法》更新）',
      body: [
        '自2026年4月1日起，失信信息的信用修复依照《信用修复管理办法》（国家发展改革委令第36号）办理。',
        '行政处罚信息的当事人在最短公示期届满后，已履行行政处罚决定规定的义务、纠正失信行为的，可以向作出处罚决定的行政机关或本级信用办提出修复申请。',
        '申请材料：信用修复申请书、守信承诺书、已履行义务的证明材料。受理部门在规定的工作日内作出决定。',
        '本指南为演示数据，具体以正式文件为准。',
      ].join('\n\n'),
      publishedAt: daysAgo(10),
    },
    {
      title: '市场主体2025年度“双公示”数据归集情况通报',
      body: [
        '2025年度，全市各部门共归集行政许可、行政处罚信息四万余条，按时上报率为97.6%。',
        '个别部门存在数据报送不及时、处罚依据填写不完整等问题，请相关部门对照归集质量报告逐项整改。',
        '本通报为演示数据。',
      ].join('\n\n'),
      publishedAt: daysAgo(24),
    },
  ];
}
