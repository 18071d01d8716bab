/**
 * Exact $inc/$mul arithmetic when a Decimal128 is involved, as mongod does it in decimal (going
 * through binary doubles would turn 0.1 + 0.2 into 0.30000000000000004). Values are held as
 * (BigInt coefficient, base-10 exponent) pairs.
 */
import { Decimal128, Long } from 'bson';

function parse(value) {
  const text = value instanceof Long ? value.toString() : typeof value === 'bigint' ? value.toString() : String(value instanceof Decimal128 ? value.toString() : value);
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return null; // NaN, Infinity
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = `${whole}${fraction}` || '0';
  return { coefficient: BigInt(`${sign}${digits}`), exponent: Number(exponent) - fraction.length };
}

function format({ coefficient, exponent }) {
  return Decimal128.fromStringWithRounding(`${coefficient}E${exponent}`);
}

/** a + b or a * b as a Decimal128; non-finite operands fall back to double arithmetic. */
export function decimalArithmetic(a, b, op) {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) {
    const result = op === '+' ? Number(String(a)) + Number(String(b)) : Number(String(a)) * Number(String(b));
    return Decimal128.fromString(String(result));
  }
  if (op === '*') return format({ coefficient: x.coefficient * y.coefficient, exponent: x.exponent + y.exponent });
  const exponent = Math.min(x.exponent, y.exponent);
  const scale = (n) => n.coefficient * 10n ** BigInt(n.exponent - exponent);
  return format({ coefficient: scale(x) + scale(y), exponent });
}
