/** `npm run catalog:check [dir]`: validates catalog/ without a database; exit 1 on any problem. */
import { readCatalog } from '../server/modules/catalog/index.js';

const dir = process.argv[2];
const { bundle, problems } = readCatalog(dir);
if (problems.length > 0) {
  console.error(`目录校验失败，共${problems.length}处问题：`);
  for (const p of problems) console.error(`  ${p.file} ${p.path}: ${p.message}`);
  process.exit(1);
}
const recalled = bundle.legalInstruments.filter((i) => i.value.verification === 'recalled').length;
console.log(
  `目录校验通过：信息项 ${bundle.infoItems.length}，措施 ${bundle.measures.length}，名单类型 ${bundle.listTypes.length}，` +
    `法律依据 ${bundle.legalInstruments.length}（其中待核实 ${recalled}），公示期限规则 ${bundle.periodRules.length}，` +
    `时限 ${bundle.timeLimits.length}，代码表 ${bundle.codeTables.length}，节假日年度 ${bundle.holidayYears.map((y) => y.value.year).join('、')}，` +
    `行政区划 ${bundle.regions.length}`,
);
