/**
 * Valid identifiers and 双公示 rows for tests and the ingest benchmark: codes are computed with
 * the real check characters, so validation passes for the right reason.
 */
import { idCheckCharacter, orgCodeCheckCharacter, usccCheckCharacter } from '../common/identifiers/index.js';

/** A USCC: registration authority + type (e.g. '91'), a GB/T 2260 region, and a serial turned into an org code. */
export function makeUscc(prefix2: string, region: string, serial: number): string {
  const org8 = String(serial).padStart(8, '0');
  const first17 = `${prefix2}${region}${org8}${orgCodeCheckCharacter(org8) ?? '0'}`;
  return `${first17}${usccCheckCharacter(first17) ?? '0'}`;
}

/** A resident ID number: region, birth date (YYYYMMDD), a 3-digit sequence. */
export function makeIdNumber(region: string, birth: string, seq: number): string {
  const first17 = `${region}${birth}${String(seq).padStart(3, '0')}`;
  return `${first17}${idCheckCharacter(first17) ?? '0'}`;
}

/** A penalty row as a department exports it (field codes → text) against `provider`'s own code. */
export function penaltyRow(provider: string, n: number, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    CF_XDR_MC: `福州测试${n}贸易有限公司`,
    CF_XDR_LB: '法人及非法人组织',
    CF_XDR_SHXYM: makeUscc('91', '350100', 10_000 + n),
    CF_FRDB: '张三',
    CF_WSH: `榕市监罚〔2026〕${n}号`,
    CF_WFXW: '销售不合格产品',
    CF_SY: '经查，当事人销售的产品经抽检不合格。',
    CF_YJ: '《中华人民共和国产品质量法》第四十九条',
    CF_CFLB: '罚款',
    CF_NR: '罚款人民币伍仟元整',
    CF_NR_FK: '0.5',
    CF_JDRQ: '2026-06-15',
    CF_YXQ: '2027-06-15',
    CF_CFJG: '福州市市场监督管理局',
    CF_CFJGDM: provider,
    // 数据来源单位 left empty: the platform fills in the submitting department's registered name.
    CF_SJLY: '',
    CF_SJLYDM: provider,
    ...overrides,
  };
}
