/**
 * Stable error codes, their HTTP status and messages (zh-CN first, English available).
 * Every failure leaves the server as {"error": {"code", "message", "details"}}.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, zh: '请求参数不符合要求', en: 'The request does not match the schema' },
  BAD_REQUEST: { status: 400, zh: '请求格式错误', en: 'Malformed request' },
  INPUT_UNSAFE_CHARACTER: { status: 400, zh: '输入含有控制字符或不可见字符', en: 'The input contains a control or invisible character' },
  UNAUTHENTICATED: { status: 401, zh: '需要工作人员身份认证', en: 'Staff authentication required' },
  // One answer for a wrong entry and for a pause after repeated failures: they cannot be told apart.
  INVALID_CREDENTIALS: { status: 401, zh: '用户名或密码错误，或因多次失败已暂停从此地址登录；请稍后再试，或请安全管理员解除', en: 'Wrong user name or password, or sign-in from this address is paused after repeated failures; try again later or ask the security administrator to lift the pause' },
  SECOND_FACTOR_INVALID: { status: 401, zh: '动态验证码或恢复码错误，或因多次失败已暂停从此地址登录；请稍后再试，或请安全管理员解除', en: 'Wrong one-time code or recovery code, or sign-in from this address is paused after repeated failures; try again later or ask the security administrator to lift the pause' },
  LOGIN_STEP_REQUIRED: { status: 401, zh: '请先完成登录步骤（修改密码或双因素认证）', en: 'Finish signing in first (password change or second factor)' },
  SESSION_EXPIRED: { status: 401, zh: '会话已超时，请重新登录', en: 'Session expired; sign in again' },
  SIGNATURE_INVALID: { status: 401, zh: '请求签名无效、已过期或被重放', en: 'Invalid, expired or replayed request signature' },
  CSRF_FAILED: { status: 403, zh: '缺少或错误的CSRF令牌', en: 'Missing or wrong CSRF token' },
  PASSWORD_POLICY: { status: 422, zh: '密码不符合安全策略', en: 'Password does not meet the policy' },
  USER_INVALID: { status: 422, zh: '账户信息不符合要求', en: 'Account data is invalid' },
  DEPARTMENT_INVALID: { status: 422, zh: '部门信息不符合要求', en: 'Department data is invalid' },
  SUBSCRIPTION_INVALID: { status: 422, zh: '数据订阅不符合要求', en: 'The subscription is invalid' },
  FORBIDDEN: { status: 403, zh: '无权执行此操作', en: 'Not allowed' },
  NOT_FOUND: { status: 404, zh: '请求的资源不存在', en: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, zh: '接口不存在', en: 'No such endpoint' },
  VERSION_CONFLICT: { status: 409, zh: '数据已被他人修改，请刷新后重试', en: 'The data was changed by someone else; reload and retry' },
  STATE_CONFLICT: { status: 409, zh: '该对象当前的状态不允许此操作', en: 'The object\'s current state does not allow this' },
  DUPLICATE: { status: 409, zh: '数据已存在，不能重复登记', en: 'The data already exists' },
  SUBJECT_DUPLICATE: { status: 409, zh: '该信用主体已存在', en: 'The subject already exists' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '请求内容过大', en: 'Payload too large' },
  HEADERS_TOO_LARGE: { status: 431, zh: '请求头过大：请减少Cookie或其他请求头的内容', en: 'Request headers too large' },
  REQUEST_TIMEOUT: { status: 408, zh: '请求超时：请求未能在规定时间内发送完毕', en: 'Request timed out' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型，请使用application/json', en: 'Unsupported media type' },
  INVALID_IDENTIFIER: { status: 422, zh: '证照号码校验未通过', en: 'Identifier failed validation' },
  PURPOSE_REQUIRED: { status: 400, zh: '查询非公开信息须说明查询目的（请求头x-query-purpose，取值见查询目的代码表）', en: 'A read of non-public data needs a purpose (header x-query-purpose)' },
  QUERY_TOO_BROAD: { status: 422, zh: '查询条件过宽，请缩小范围后再查', en: 'The query matches too much; narrow it down' },
  SUBJECT_INVALID: { status: 422, zh: '信用主体信息不符合要求', en: 'Subject data is invalid' },
  IMPORT_FILE_INVALID: { status: 422, zh: '文件不能导入', en: 'The file cannot be imported' },
  IMPORT_ITEM_NOT_ALLOWED: { status: 403, zh: '本部门未获准报送该信息项', en: 'Your department may not submit this catalog item' },
  IMPORT_TOO_MANY_RECORDS: { status: 413, zh: '一次最多提交10000条记录', en: 'At most 10,000 records per batch' },
  IDEMPOTENCY_CONFLICT: { status: 409, zh: '该幂等键已用于内容不同的批次', en: 'This idempotency key was used for a different batch' },
  CALENDAR_INVALID: { status: 422, zh: '节假日安排数据不符合要求', en: 'Holiday schedule is invalid' },
  RATE_LIMITED: { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  INTERNAL: { status: 500, zh: '服务器内部错误，请稍后重试', en: 'Internal error; try again later' },
  UNAVAILABLE: { status: 503, zh: '服务暂不可用', en: 'Service unavailable' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
