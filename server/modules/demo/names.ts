/** Word lists for plausible synthetic names. Invented combinations, not real people or firms. */
export const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗',
  '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '袁', '潘', '于', '蒋', '蔡',
  '余', '杜', '叶', '程', '苏', '魏', '吕', '丁', '任', '沈', '欧阳', '司马', '诸葛', '上官',
];
export const GIVEN = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞', '平',
  '刚', '桂', '英', '华', '建', '国', '文', '辉', '红', '玉', '志', '海', '波', '宁', '雪', '琳', '晨', '欣', '浩', '宇',
  '子', '涵', '梓', '轩', '思', '雨', '佳', '怡', '博', '嘉', '俊', '鑫', '凯', '婷', '慧', '晓', '春', '永', '德', '林',
];
export const TRADE_NAMES = [
  '华信', '鑫源', '恒达', '宏远', '金盛', '瑞丰', '中科', '博远', '天成', '永兴', '盛世', '汇通', '振华', '兴业', '正泰', '新锐',
  '佳和', '东方', '海纳', '润泽', '广益', '明德', '诚信', '安泰', '立信', '万联', '卓越', '聚力', '康达', '远航', '德隆', '嘉禾',
  '恒信', '同创', '华泰', '鼎盛', '旭日', '青松', '银河', '星辰', '翔宇', '锦程', '泓达', '宝丰', '荣昌', '创新', '致远', '昊天',
];
export const INDUSTRY_WORDS: Record<string, string[]> = {
  C: ['机械制造', '电子科技', '食品', '新材料', '精密仪器', '服装'],
  E: ['建筑工程', '建设', '装饰工程', '市政工程'],
  F: ['商贸', '贸易', '医药连锁', '超市'],
  G: ['物流', '运输', '快递'],
  H: ['餐饮管理', '酒店管理', '饭店'],
  I: ['信息技术', '软件', '网络科技', '数据服务'],
  K: ['房地产开发', '物业管理', '置业'],
  L: ['商务咨询', '人力资源', '广告'],
  M: ['检测技术', '工程设计', '环保科技'],
  O: ['家政服务', '汽车维修', '美容美发'],
};
export const COMPANY_FORMS = ['有限公司', '有限责任公司', '股份有限公司'];
export const SHOP_FORMS = ['经营部', '店', '商行', '餐馆', '维修部'];
export const DEPARTMENTS = [
  '市场监督管理局', '生态环境局', '应急管理局', '交通运输局', '住房和城乡建设局', '卫生健康委员会',
  '城市管理综合执法局', '文化广电旅游局', '人力资源和社会保障局', '自然资源和规划局', '农业农村局', '商务局',
];
export const VIOLATIONS: { type: string; basis: string; categories: string[]; severity: 'minor' | 'general' | 'serious' }[] = [
  { type: '未按规定公示年度报告', basis: '《企业信息公示暂行条例》第十八条', categories: ['警告'], severity: 'minor' },
  { type: '销售不符合食品安全标准的食品', basis: '《中华人民共和国食品安全法》第一百二十四条', categories: ['罚款', '没收违法所得'], severity: 'general' },
  { type: '超标排放大气污染物', basis: '《中华人民共和国大气污染防治法》第九十九条', categories: ['罚款'], severity: 'general' },
  { type: '未按规定开展安全生产教育培训', basis: '《中华人民共和国安全生产法》第九十七条', categories: ['罚款'], severity: 'general' },
  { type: '无证经营', basis: '《无证无照经营查处办法》第十三条', categories: ['罚款', '没收违法所得'], severity: 'general' },
  { type: '拒不执行停产停业决定', basis: '《中华人民共和国安全生产法》第一百一十一条', categories: ['吊销许可证件', '罚款'], severity: 'serious' },
  { type: '虚假广告', basis: '《中华人民共和国广告法》第五十五条', categories: ['罚款', '通报批评'], severity: 'general' },
  { type: '道路运输车辆超限超载', basis: '《公路安全保护条例》第六十六条', categories: ['罚款'], severity: 'minor' },
];
export const PERMITS: { name: string; category: string; certificate: string }[] = [
  { name: '食品经营许可', category: '普通', certificate: '食品经营许可证' },
  { name: '建筑工程施工许可', category: '普通', certificate: '建筑工程施工许可证' },
  { name: '排污许可', category: '普通', certificate: '排污许可证' },
  { name: '道路运输经营许可', category: '特许', certificate: '道路运输经营许可证' },
  { name: '公共场所卫生许可', category: '普通', certificate: '卫生许可证' },
  { name: '营业执照登记', category: '登记', certificate: '营业执照' },
  { name: '危险化学品经营许可', category: '核准', certificate: '危险化学品经营许可证' },
];
