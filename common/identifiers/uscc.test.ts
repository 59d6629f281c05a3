import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { USCC_CHARSET, orgCodeCheckCharacter, usccCheckCharacter, validateUscc } from './index.js';
import { USCC_AUTHORITIES } from './uscc-authorities.js';

// Published codes: the GB 32100-2015 example and organizations' codes as printed on their
// business licences. Both the GB 32100 check and the embedded GB 11714 check hold for each.
const PUBLISHED: [string, string][] = [
  ['91350100M000100Y43', 'GB 32100-2015 示例'],
  ['914403001922038216', '华为技术有限公司'],
  ['9144030071526726XG', '深圳市腾讯计算机系统有限公司'],
  ['91440300708461136T', '腾讯科技（深圳）有限公司'],
  ['91110108551385082Q', '小米科技有限责任公司'],
  ['91110000802100433B', '北京百度网讯科技有限公司'],
  ['91100000100003962T', '中国工商银行股份有限公司'],
  ['91440300192317458F', '比亚迪股份有限公司'],
  ['91330100799655058B', '阿里巴巴（中国）有限公司'],
  ['91110000710926094P', '中国石油化工股份有限公司'],
  ['91110108558521630L', '北京三快在线科技有限公司'],
  ['91440300100012316L', '中国平安保险（集团）股份有限公司'],
  ['9144030010001686XA', '招商银行股份有限公司'],
  ['91440300192181490G', '万科企业股份有限公司'],
];

const regions = new Map([['350000', '福建省'], ['350100', '福州市'], ['440000', '广东省'], ['440300', '深圳市'], ['110000', '北京市'], ['110108', '海淀区'], ['330000', '浙江省'], ['330100', '杭州市'], ['100000', '中央']]);
const regionName = (c: string) => regions.get(c);

/** Generates valid USCCs: known authority/type, a region code, an organization code with its check. */
const validUscc = fc
  .tuple(
    fc.constantFrom(...Object.entries(USCC_AUTHORITIES).flatMap(([a, v]) => Object.keys(v.entityTypes).map((t) => a + t))),
    fc.constantFrom('110000', '110108', '350100', '440300', '330100'),
    fc.array(fc.constantFrom(...USCC_CHARSET), { minLength: 8, maxLength: 8 }),
  )
  .map(([at, region, body]) => {
    const org = body.join('') + (orgCodeCheckCharacter(body.join('')) as string);
    const first17 = at + region + org;
    return first17 + (usccCheckCharacter(first17) as string);
  });

describe('USCC (GB 32100-2015)', () => {
  it('accepts the published examples and real licence codes, with no warnings', () => {
    for (const [code, owner] of PUBLISHED) {
      const r = validateUscc(code, regionName);
      assert.equal(r.valid, true, `${owner} ${code}: ${JSON.stringify(r.errors)}`);
      assert.deepEqual(r.warnings.filter((w) => w.code === 'USCC_ORG_CODE_CHECK'), [], owner);
    }
  });

  it('parses authority, entity type, region name and organization code', () => {
    const r = validateUscc('91350100M000100Y43', regionName);
    assert.deepEqual(r.parts, {
      registrationAuthority: { code: '9', name: '工商（市场监管）' },
      entityType: { code: '1', name: '企业' },
      region: { code: '350100', name: '福州市' },
      organizationCode: 'M000100Y4',
      checkCharacter: '3',
    });
  });

  it('normalizes full-width characters, spaces, hyphens and lower case before validating', () => {
    const r = validateUscc('  ９１３５-０１００ m000 100y43 ', regionName);
    assert.equal(r.valid, true);
    assert.equal(r.normalized, '91350100M000100Y43');
  });

  it('names the rule and position of a wrong check character in Chinese', () => {
    const r = validateUscc('91350100M000100Y44', regionName);
    assert.equal(r.valid, false);
    assert.deepEqual(r.errors, [{ code: 'USCC_CHECK', message: '第18位校验码应为3，实际为4', position: 18 }]);
  });

  it('rejects letters outside the charset with their positions', () => {
    const r = validateUscc('91350100MO00100Y43');
    assert.equal(r.errors[0]?.position, 10);
    assert.match(r.errors[0]?.message ?? '', /第10位字母O不用于统一社会信用代码/);
  });

  it('rejects wrong length, unknown authority and a type not of that authority', () => {
    assert.match(validateUscc('91350100M000100Y4').errors[0]?.message ?? '', /应为18位，实际为17位/);
    const authority = validateUscc(`B${'1350100M000100Y4'}${usccCheckCharacter('B1350100M000100Y4')}`);
    assert.equal(authority.errors[0]?.code, 'USCC_AUTHORITY');
    const first17 = '94350100M000100Y4';
    const type = validateUscc(first17 + usccCheckCharacter(first17));
    assert.equal(type.errors[0]?.code, 'USCC_ENTITY_TYPE');
    assert.equal(type.errors[0]?.position, 2);
  });

  it('rejects an unknown province, warns on a region missing from the table', () => {
    const bad = '91990100M000100Y4';
    assert.equal(validateUscc(bad + usccCheckCharacter(bad), regionName).errors[0]?.code, 'USCC_REGION_UNKNOWN_PROVINCE');
    const old = '91350199M000100Y4';
    const r = validateUscc(old + usccCheckCharacter(old), regionName);
    assert.equal(r.valid, true);
    assert.equal(r.warnings[0]?.code, 'USCC_REGION_NOT_IN_TABLE');
  });

  it('reports a broken GB 11714 organization-code check as a warning, not a rejection', () => {
    const first17 = '91350100M000100Y5';
    const r = validateUscc(first17 + usccCheckCharacter(first17), regionName);
    assert.equal(r.valid, true);
    assert.equal(r.warnings[0]?.code, 'USCC_ORG_CODE_CHECK');
    assert.equal(r.warnings[0]?.position, 17);
  });

  it('property: every generated valid code validates', () => {
    fc.assert(fc.property(validUscc, (code) => validateUscc(code, regionName).valid));
  });

  it('property: every single-character substitution is rejected', () => {
    fc.assert(
      fc.property(validUscc, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: USCC_CHARSET.length - 1 }), (code, pos, shift) => {
        const original = USCC_CHARSET.indexOf(code[pos] as string);
        const replaced = USCC_CHARSET[(original + shift) % USCC_CHARSET.length] as string;
        const mutated = code.slice(0, pos) + replaced + code.slice(pos + 1);
        return !validateUscc(mutated, regionName).valid;
      }),
    );
  });

  it('property: every adjacent transposition of different characters is rejected', () => {
    // Weights are 3^i mod 31, so adjacent weights always differ mod the prime 31: a swap among
    // positions 1–17 always changes the checksum. The swap of positions 17 and 18 moves the check
    // character itself; it is still caught unless the swapped string happens to satisfy the check
    // on its own — the one case a checksum cannot see, which the assertion documents.
    fc.assert(
      fc.property(validUscc, fc.integer({ min: 0, max: 16 }), (code, pos) => {
        if (code[pos] === code[pos + 1]) return true;
        const swapped = code.slice(0, pos) + code[pos + 1] + code[pos] + code.slice(pos + 2);
        const r = validateUscc(swapped, regionName);
        if (pos === 16 && r.valid) {
          // the checksum cannot see this swap: the swapped string is itself a consistent code
          return usccCheckCharacter(swapped.slice(0, 17)) === swapped[17];
        }
        return !r.valid;
      }),
      { numRuns: 2000 },
    );
  });
});
