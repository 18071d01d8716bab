/**
 * mongod's error vocabulary. Every failure a command can report is a MongoError carrying mongod's
 * numeric code and code name, so replies have the `{ok: 0, errmsg, code, codeName}` shape drivers
 * and Mongoose branch on (they look at `code`, rarely at the text).
 */

/** The subset of mongod's error_codes.yml that the stand-in can raise. */
export const ErrorCodes = Object.freeze({
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  EmptyFieldName: 56,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  IndexAlreadyExists: 68,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  NoReplicationEnabled: 76,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  DocumentValidationFailure: 121,
  CommandNotSupportedOnView: 166,
  InvalidIndexSpecificationOption: 197,
  InvalidPipelineOperator: 168,
  MergeStageNoMatchingDocument: 13113,
  DuplicateKey: 11000,
  Location15975: 15975,
  Location40323: 40323,
  Location40324: 40324,
  Location40602: 40602,
  Location40415: 40415,
  Location51183: 51183,
  Location40573: 40573,
  Location40601: 40601,
  Location51132: 51132,
  UnsupportedOpQueryCommand: 352,
});

const NAMES = new Map(Object.entries(ErrorCodes).map(([name, code]) => [code, name]));

export function codeName(code) {
  return NAMES.get(code) ?? `Location${code}`;
}

export class MongoError extends Error {
  /**
   * @param {number} code mongod's error code
   * @param {string} message mongod's errmsg
   * @param {object} [extra] fields mongod adds beside errmsg (keyPattern, keyValue, errInfo, ...)
   */
  constructor(code, message, extra = {}) {
    super(message);
    this.code = code;
    this.codeName = codeName(code);
    this.extra = extra;
  }

  /** The reply document of a failed command. */
  toReply() {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** One entry of a write command's `writeErrors`. */
  toWriteError(index) {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

/**
 * Turns anything thrown while running a command into a MongoError. Errors from mingo (query,
 * projection and aggregation evaluation) carry no code; mongod reports most such user mistakes as
 * BadValue, so that is what they become.
 */
export function asMongoError(error) {
  if (error instanceof MongoError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new MongoError(ErrorCodes.BadValue, message);
}
