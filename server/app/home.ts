/** A plain landing page until the portal (React) arrives with the portal issue. */
export function homePage(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>信用 Xinyong — 公共信用信息平台</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:720px;margin:2rem auto;padding:0 1rem;line-height:1.6;color:#222}
h1{color:#c0392b}a{color:#1677ff}code{background:#f5f5f5;padding:0 .3em}</style></head>
<body><h1>信用 Xinyong</h1><p>开源公共信用信息平台。门户与管理后台将随后续版本提供。</p>
<ul>
<li><a href="/docs">接口文档（OpenAPI）</a> · <a href="/openapi.json">openapi.json</a></li>
<li><a href="/api/v1/catalog/info-items">公共信用信息目录</a> · <a href="/api/v1/catalog/measures">措施清单</a> · <a href="/api/v1/catalog/list-types">名单类型</a></li>
<li>代码校验：<code>POST /api/v1/codes/validate</code> <code>{"code":"91350100M000100Y43"}</code></li>
<li><a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a></li>
</ul></body></html>`;
}
