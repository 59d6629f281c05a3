/**
 * What each demo department decides: the permits and penalties of its own field, so the demo reads
 * like a real city's 双公示 — a 市场监督管理局 fines unsafe food, a 生态环境局 excess emissions, a
 * 交通运输局 grants road transport permits. Penalty categories follow 行政处罚法 (2021) Art. 9 and vary
 * as real decisions do (警告 and 通报批评 alone, fines, confiscation, 暂扣 or 吊销 of a licence,
 * 责令停产停业 …); an amount is given only where a category has one. Invented decisions, not real ones;
 * the legal bases name real provisions of the kind a department cites.
 */

export interface DemoPermit {
  name: string;
  /** 许可类别 (code table XKLB). */
  category: '普通' | '特许' | '认可' | '核准' | '登记';
  certificate: string;
  /** Years valid; 0: 长期. */
  years: number;
  /** Also granted to natural persons. */
  person?: true;
}

export interface DemoViolation {
  type: string;
  basis: string;
  /** 处罚类别 (code table CFLB). */
  categories: string[];
  /** The fine's range in 万元, where the categories include 罚款. */
  fine?: readonly [number, number];
  /** Also committed by natural persons. */
  person?: true;
}

export interface DepartmentField {
  /** The department's name without the city (demoDepartments prefixes it). */
  department: string;
  /** Its abbreviation in a 决定文书号: 杭市监罚〔2026〕12号. */
  abbr: string;
  permits: DemoPermit[];
  violations: DemoViolation[];
}

export const DEPARTMENT_FIELDS: DepartmentField[] = [
  {
    department: '市场监督管理局', abbr: '市监',
    permits: [
      { name: '食品经营许可', category: '普通', certificate: '食品经营许可证', years: 5, person: true },
      { name: '食品生产许可', category: '普通', certificate: '食品生产许可证', years: 5 },
      { name: '特种设备使用登记', category: '登记', certificate: '特种设备使用登记证', years: 0 },
    ],
    violations: [
      { type: '销售不符合食品安全标准的食品', basis: '《中华人民共和国食品安全法》第一百二十四条', categories: ['罚款', '没收违法所得'], fine: [5, 30], person: true },
      { type: '发布虚假广告', basis: '《中华人民共和国广告法》第五十五条', categories: ['罚款'], fine: [2, 50] },
      { type: '销售不合格产品', basis: '《中华人民共和国产品质量法》第四十九条', categories: ['没收违法所得', '没收非法财物', '罚款'], fine: [1, 10] },
      { type: '不按规定明码标价', basis: '《明码标价和禁止价格欺诈规定》第二十一条', categories: ['警告'], person: true },
      { type: '无照经营', basis: '《无证无照经营查处办法》第十三条', categories: ['罚款', '没收违法所得'], fine: [0.5, 1], person: true },
    ],
  },
  {
    department: '生态环境局', abbr: '环',
    permits: [
      { name: '排污许可', category: '普通', certificate: '排污许可证', years: 5 },
      { name: '建设项目环境影响报告表审批', category: '核准', certificate: '环境影响评价批复', years: 0 },
      { name: '危险废物经营许可', category: '普通', certificate: '危险废物经营许可证', years: 5 },
    ],
    violations: [
      { type: '超标排放大气污染物', basis: '《中华人民共和国大气污染防治法》第九十九条', categories: ['罚款', '限制开展生产经营活动'], fine: [10, 100] },
      { type: '未依法取得排污许可证排放污染物', basis: '《排污许可管理条例》第三十三条', categories: ['罚款', '责令停产停业'], fine: [20, 100] },
      { type: '建设项目未批先建', basis: '《中华人民共和国环境影响评价法》第三十一条', categories: ['罚款'], fine: [5, 50] },
      { type: '未按规定贮存危险废物', basis: '《中华人民共和国固体废物污染环境防治法》第一百一十二条', categories: ['罚款'], fine: [10, 100] },
      { type: '在饮用水水源一级保护区内设置排污口', basis: '《中华人民共和国水污染防治法》第八十四条', categories: ['罚款', '责令关闭'], fine: [10, 50] },
    ],
  },
  {
    department: '应急管理局', abbr: '应急',
    permits: [
      { name: '危险化学品经营许可', category: '普通', certificate: '危险化学品经营许可证', years: 3 },
      { name: '烟花爆竹经营（零售）许可', category: '普通', certificate: '烟花爆竹经营（零售）许可证', years: 1, person: true },
    ],
    violations: [
      { type: '未按规定对从业人员进行安全生产教育和培训', basis: '《中华人民共和国安全生产法》第九十七条', categories: ['罚款'], fine: [1, 10] },
      { type: '安全设备未经常性维护保养', basis: '《中华人民共和国安全生产法》第九十九条', categories: ['罚款', '责令停产停业'], fine: [2, 20] },
      { type: '未取得危险化学品经营许可证经营危险化学品', basis: '《危险化学品安全管理条例》第七十七条', categories: ['罚款', '没收违法所得', '没收非法财物'], fine: [10, 20] },
      { type: '违规储存烟花爆竹', basis: '《烟花爆竹安全管理条例》第三十八条', categories: ['警告', '暂扣许可证件'], person: true },
    ],
  },
  {
    department: '交通运输局', abbr: '交',
    permits: [
      { name: '道路运输经营许可', category: '普通', certificate: '道路运输经营许可证', years: 4, person: true },
      { name: '网络预约出租汽车经营许可', category: '特许', certificate: '网络预约出租汽车经营许可证', years: 4 },
      { name: '机动车维修经营备案', category: '登记', certificate: '机动车维修经营备案表', years: 0, person: true },
    ],
    violations: [
      { type: '未取得道路运输经营许可擅自从事道路运输经营', basis: '《中华人民共和国道路运输条例》第六十三条', categories: ['罚款', '没收违法所得'], fine: [1, 10], person: true },
      { type: '道路运输车辆超限超载运输', basis: '《公路安全保护条例》第六十六条', categories: ['罚款'], fine: [0.5, 3], person: true },
      { type: '不按批准的客运站点停靠', basis: '《中华人民共和国道路运输条例》第六十九条', categories: ['暂扣许可证件', '罚款'], fine: [0.1, 0.3] },
      { type: '未按规定维护和检测运输车辆', basis: '《中华人民共和国道路运输条例》第七十条', categories: ['警告'], person: true },
    ],
  },
  {
    department: '住房和城乡建设局', abbr: '建',
    permits: [
      { name: '建筑工程施工许可', category: '普通', certificate: '建筑工程施工许可证', years: 0 },
      { name: '商品房预售许可', category: '普通', certificate: '商品房预售许可证', years: 0 },
      { name: '建筑业企业资质核准', category: '核准', certificate: '建筑业企业资质证书', years: 5 },
    ],
    violations: [
      { type: '未取得施工许可证擅自施工', basis: '《建设工程质量管理条例》第五十七条', categories: ['罚款'], fine: [2, 20] },
      { type: '违反工程建设强制性标准', basis: '《建设工程质量管理条例》第六十四条', categories: ['罚款', '降低资质等级'], fine: [20, 40] },
      { type: '转包或者违法分包工程', basis: '《建设工程质量管理条例》第六十二条', categories: ['罚款', '没收违法所得', '责令停产停业'], fine: [10, 50] },
      { type: '未取得预售许可证预售商品房', basis: '《城市商品房预售管理办法》第十五条', categories: ['警告', '罚款'], fine: [1, 3] },
    ],
  },
  {
    department: '卫生健康委员会', abbr: '卫健',
    permits: [
      { name: '公共场所卫生许可', category: '普通', certificate: '卫生许可证', years: 4, person: true },
      { name: '医疗机构执业登记', category: '登记', certificate: '医疗机构执业许可证', years: 5 },
      { name: '放射诊疗许可', category: '普通', certificate: '放射诊疗许可证', years: 5 },
    ],
    violations: [
      { type: '公共场所未取得卫生许可证擅自营业', basis: '《公共场所卫生管理条例实施细则》第三十五条', categories: ['警告', '罚款'], fine: [0.05, 3], person: true },
      { type: '使用非卫生技术人员从事医疗卫生技术工作', basis: '《医疗机构管理条例》第四十七条', categories: ['罚款', '吊销许可证件'], fine: [5, 10] },
      { type: '未按规定进行职业病危害因素检测', basis: '《中华人民共和国职业病防治法》第七十一条', categories: ['警告', '罚款'], fine: [5, 10] },
      { type: '医疗废物未分类收集', basis: '《医疗废物管理条例》第四十六条', categories: ['警告'] },
    ],
  },
  {
    department: '城市管理综合执法局', abbr: '城管',
    permits: [
      { name: '户外广告设施设置许可', category: '普通', certificate: '户外广告设施设置许可决定书', years: 3, person: true },
      { name: '城市建筑垃圾处置核准', category: '核准', certificate: '城市建筑垃圾处置核准证', years: 1 },
      { name: '临时占用城市道路许可', category: '普通', certificate: '临时占用城市道路许可证', years: 1, person: true },
    ],
    violations: [
      { type: '擅自设置户外广告设施', basis: '《城市市容和环境卫生管理条例》第三十六条', categories: ['罚款'], fine: [0.1, 1], person: true },
      { type: '随意倾倒建筑垃圾', basis: '《城市建筑垃圾管理规定》第二十六条', categories: ['罚款'], fine: [0.5, 5], person: true },
      { type: '未取得建设工程规划许可证进行建设', basis: '《中华人民共和国城乡规划法》第六十四条', categories: ['罚款', '没收非法财物'], fine: [5, 50] },
      { type: '擅自占用城市道路', basis: '《城市道路管理条例》第四十二条', categories: ['警告', '罚款'], fine: [0.1, 2], person: true },
    ],
  },
  {
    department: '文化广电旅游局', abbr: '文旅',
    permits: [
      { name: '互联网上网服务营业场所经营许可', category: '普通', certificate: '网络文化经营许可证', years: 3 },
      { name: '营业性演出许可', category: '普通', certificate: '营业性演出许可证', years: 2 },
      { name: '旅行社业务经营许可', category: '普通', certificate: '旅行社业务经营许可证', years: 0 },
    ],
    violations: [
      { type: '互联网上网服务营业场所接纳未成年人', basis: '《互联网上网服务营业场所管理条例》第三十一条', categories: ['警告', '罚款', '责令停产停业'], fine: [0.5, 1.5] },
      { type: '擅自从事营业性演出经营活动', basis: '《营业性演出管理条例》第四十三条', categories: ['没收违法所得', '没收非法财物', '罚款'], fine: [5, 10], person: true },
      { type: '旅行社未与旅游者签订旅游合同', basis: '《中华人民共和国旅游法》第一百条', categories: ['罚款'], fine: [0.5, 5] },
      { type: '导游私自承揽业务', basis: '《导游管理办法》第三十二条', categories: ['通报批评'], person: true },
    ],
  },
  {
    department: '人力资源和社会保障局', abbr: '人社',
    permits: [
      { name: '劳务派遣经营许可', category: '普通', certificate: '劳务派遣经营许可证', years: 3 },
      { name: '人力资源服务许可', category: '普通', certificate: '人力资源服务许可证', years: 0 },
      { name: '民办职业技能培训学校办学许可', category: '普通', certificate: '民办学校办学许可证', years: 5 },
    ],
    violations: [
      { type: '未经许可擅自经营劳务派遣业务', basis: '《中华人民共和国劳动合同法》第九十二条', categories: ['没收违法所得', '罚款'], fine: [5, 20] },
      { type: '使用童工', basis: '《禁止使用童工规定》第六条', categories: ['罚款', '吊销许可证件'], fine: [0.5, 5] },
      { type: '违反工作时间和休息休假规定', basis: '《劳动保障监察条例》第二十五条', categories: ['警告', '罚款'], fine: [0.1, 1] },
      { type: '未按规定报送人力资源服务业务年度报告', basis: '《人力资源市场暂行条例》第四十三条', categories: ['警告'] },
    ],
  },
  {
    department: '自然资源和规划局', abbr: '规资',
    permits: [
      { name: '建设工程规划许可', category: '普通', certificate: '建设工程规划许可证', years: 0 },
      { name: '建设用地规划许可', category: '普通', certificate: '建设用地规划许可证', years: 0 },
      { name: '采矿许可', category: '特许', certificate: '采矿许可证', years: 10 },
    ],
    violations: [
      { type: '非法占用土地', basis: '《中华人民共和国土地管理法》第七十七条', categories: ['没收非法财物', '罚款'], fine: [1, 30], person: true },
      { type: '未取得采矿许可证擅自采矿', basis: '《中华人民共和国矿产资源法》第三十九条', categories: ['没收违法所得', '没收非法财物', '罚款'], fine: [5, 50], person: true },
      { type: '超越批准的矿区范围采矿', basis: '《中华人民共和国矿产资源法》第四十条', categories: ['没收违法所得', '罚款', '吊销许可证件'], fine: [5, 30] },
    ],
  },
  {
    department: '农业农村局', abbr: '农',
    permits: [
      { name: '农药经营许可', category: '普通', certificate: '农药经营许可证', years: 5, person: true },
      { name: '兽药经营许可', category: '普通', certificate: '兽药经营许可证', years: 5 },
      { name: '农作物种子生产经营许可', category: '普通', certificate: '农作物种子生产经营许可证', years: 5 },
    ],
    violations: [
      { type: '经营假农药', basis: '《农药管理条例》第五十五条', categories: ['没收违法所得', '没收非法财物', '罚款'], fine: [0.5, 5], person: true },
      { type: '销售不合格种子', basis: '《中华人民共和国种子法》第七十五条', categories: ['没收违法所得', '罚款'], fine: [0.2, 5], person: true },
      { type: '在禁渔期内捕捞', basis: '《中华人民共和国渔业法》第三十八条', categories: ['没收非法财物', '罚款'], fine: [0.1, 5], person: true },
      { type: '未按规定建立兽药购销记录', basis: '《兽药管理条例》第五十九条', categories: ['警告'] },
    ],
  },
  {
    department: '商务局', abbr: '商务',
    permits: [
      { name: '成品油零售经营许可', category: '普通', certificate: '成品油零售经营批准证书', years: 5 },
      { name: '报废机动车回收拆解企业资质认定', category: '认可', certificate: '报废机动车回收拆解企业资质认定证书', years: 0 },
      { name: '拍卖业务许可', category: '普通', certificate: '拍卖经营批准证书', years: 0 },
    ],
    violations: [
      { type: '未按规定备案发行单用途商业预付卡', basis: '《单用途商业预付卡管理办法（试行）》第三十六条', categories: ['警告', '罚款'], fine: [0.5, 3] },
      { type: '未取得资质认定擅自从事报废机动车回收活动', basis: '《报废机动车回收管理办法》第二十一条', categories: ['没收非法财物', '没收违法所得', '罚款'], fine: [1, 10] },
      { type: '成品油零售企业销售不符合国家标准的成品油', basis: '《中华人民共和国产品质量法》第五十条', categories: ['责令停产停业', '罚款', '没收违法所得'], fine: [5, 20] },
    ],
  },
];

/** A department's field by its name (demoDepartments names them `${city}${department}`); any other by its place. */
export function fieldOf(name: string, index: number): DepartmentField {
  return DEPARTMENT_FIELDS.find((f) => name.endsWith(f.department)) ?? (DEPARTMENT_FIELDS[index % DEPARTMENT_FIELDS.length] as DepartmentField);
}
