/** Every error the API can answer with: one stable code, its HTTP status, and a default message. */
export const ERRORS = {
  UNAUTHORIZED: { status: 401, message: 'Please log in first.' },
  TOKEN_INVALID: {
    status: 401,
    message: 'Your session is invalid or has expired; please log in again.',
  },
  BAD_CREDENTIALS: { status: 401, message: 'Wrong username or password.' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this.' },
  BAD_PATH: {
    status: 403,
    message: 'This purchase link is invalid, used or expired; request a new one.',
  },
  NOT_STARTED: { status: 403, message: 'The sale has not started yet.' },
  ENDED: { status: 403, message: 'The sale has ended.' },
  NOT_ADMITTED: {
    status: 403,
    message: 'Please wait for your turn in the waiting room before buying.',
  },
  BAD_CAPTCHA: { status: 403, message: 'The verification code is wrong or expired.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed.' },
  USERNAME_TAKEN: {
    status: 409,
    message: 'This username, or one that looks like it, is already taken.',
  },
  SOLD_OUT: { status: 409, message: 'Sold out.' },
  REPEAT: { status: 409, message: 'You have already bought this item.' },
  ORDER_EXPIRED: {
    status: 409,
    message: 'The time to pay for this order has run out; the item went back on sale.',
  },
  ORDER_CANCELLED: { status: 409, message: 'This order was cancelled.' },
  ORDER_PAID: {
    status: 409,
    message: 'This order is already paid and can no longer be cancelled.',
  },
  INSUFFICIENT_FUNDS: {
    status: 409,
    message: 'Your wallet balance is too low to pay for this order.',
  },
  CONFIRM_REQUIRED: {
    status: 409,
    message: 'This sale is open and has live orders; confirm to archive it.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send JSON (Content-Type: application/json).' },
  INVALID_JSON: { status: 422, message: 'The request body is not valid JSON.' },
  VALIDATION: { status: 422, message: 'Some fields are invalid.' },
  RATE_LIMITED: {
    status: 429,
    message: 'Too many requests; please slow down and try again shortly.',
  },
  RETRY: { status: 503, message: 'The service is busy; please try again in a moment.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  /** Field problems for VALIDATION: path → message. */
  fields?: Record<string, string>;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}
