import { launch, newPage, firstSignIn, both, check, ctl, W, base } from './lib.mts';
const ctx: any = await launch();
const page = await newPage(ctx);
await page.goto(`${base}/console/`);
await page.getByLabel('用户名').waitFor();
await both(page, '00-login');
await firstSignIn(page, 'an.quan');
await both(page, '10-sec-home');
// menu items
const menuTexts = await page.locator('.ant-menu-item').allInnerTexts();
console.log('menu:', menuTexts);
for (const m of menuTexts) {
  await page.getByRole('menuitem', { name: m }).click();
  await page.waitForTimeout(600);
  const h = await page.locator('.ant-layout-content').innerText();
  console.log(`  menu ${m} -> ${JSON.stringify(h.slice(0, 80))}`);
}
await page.getByRole('menuitem', { name: '登录锁定' }).click();
await page.getByText('当前没有登录锁定').waitFor();
await both(page, '11-locks-empty');
// phone menu
await page.setViewportSize(W.phone);
await page.goto(`${base}/console/#/home`);
await page.waitForTimeout(800);
const trig = page.locator('.ant-layout-sider-zero-width-trigger');
console.log('phone trigger visible:', await trig.isVisible());
await trig.click();
await page.waitForTimeout(500);
await check(page, '12-phone-menu-open');
await page.getByRole('menuitem', { name: '登录锁定' }).click();
await page.waitForTimeout(500);
await check(page, '13-phone-after-menu-click');
await page.setViewportSize(W.desktop);

console.log('fail wang.wu', JSON.stringify(await ctl('/fail?user=wang.wu&ip=203.0.113.9&n=5')).slice(0, 400));
console.log('fail unknown', JSON.stringify(await ctl('/fail?user=nobody.here&ip=198.51.100.7&n=5')).slice(0, 200));
console.log('fail sun.qi v6', JSON.stringify(await ctl('/fail?user=sun.qi&ip=2001:db8:1234:5678:abcd:ef01:2345:6789&n=5')).slice(0, 200));
console.log('6th attempt wang.wu locked', JSON.stringify(await ctl('/fail?user=wang.wu&ip=203.0.113.9&n=1')));
await page.getByRole('button', { name: /刷\s*新/ }).click();
await page.getByText('203.0.113.9').waitFor();
console.log('table:\n' + (await page.locator('.ant-table').innerText()));
await both(page, '14-locks-list');
