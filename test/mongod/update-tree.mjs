/**
 * Parses an update-operator document (`{$set: {...}, $inc: {...}}`) into mongod's update tree: one
 * node per path component, leaves holding (operator, argument). Building the tree is where mongod
 * reports malformed updates: unknown operators, conflicting paths, bad array filter identifiers.
 */
import { Query } from 'mingo/query';
import { isPlainObject, bsonTypeName } from './bson-values.mjs';
import { ErrorCodes, MongoError } from './errors.mjs';
import { mingoOptions } from './mingo-context.mjs';
import { renderDocument, renderValue } from './render.mjs';

/** Operators that create the path they name when it is missing. */
const CREATING_OPERATORS = new Set([
  '$set', '$setOnInsert', '$inc', '$mul', '$min', '$max', '$currentDate', '$push', '$addToSet', '$bit', '$renameTo',
]);
export const UPDATE_OPERATORS = new Set([
  '$set', '$setOnInsert', '$unset', '$inc', '$mul', '$min', '$max', '$currentDate', '$push', '$addToSet',
  '$pop', '$pull', '$pullAll', '$bit', '$rename',
]);

const IDENTIFIER = /^[a-z][a-zA-Z0-9]*$/;

export class ObjectNode {
  constructor() {
    /** @type {Map<string, ObjectNode|Leaf>} */
    this.children = new Map();
    this.creates = false;
  }
}

export class Leaf {
  constructor(operator, argument, path) {
    this.operator = operator;
    this.argument = argument;
    this.path = path;
    this.creates = CREATING_OPERATORS.has(operator);
  }
}

export function isPositional(component) {
  return component === '$' || (component.startsWith('$[') && component.endsWith(']'));
}

/**
 * Parses `arrayFilters` into Map<identifier, {test(element), used}>.
 */
export function parseArrayFilters(arrayFilters) {
  const filters = new Map();
  for (const filter of arrayFilters ?? []) {
    if (!isPlainObject(filter)) {
      throw new MongoError(ErrorCodes.TypeMismatch, 'Each array filter must be an object');
    }
    const identifiers = new Set();
    for (const key of Object.keys(filter)) {
      if (key.startsWith('$')) continue; // $and/$or/$nor over the identifier's fields
      identifiers.add(key.split('.')[0]);
    }
    if (identifiers.size === 0) {
      throw new MongoError(ErrorCodes.FailedToParse, 'Cannot use an expression without a top-level field name in arrayFilters');
    }
    if (identifiers.size > 1) {
      const [a, b] = [...identifiers];
      throw new MongoError(ErrorCodes.FailedToParse, `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${a}' and '${b}'`);
    }
    const [identifier] = identifiers;
    if (!IDENTIFIER.test(identifier)) {
      throw new MongoError(ErrorCodes.BadValue, `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${identifier}'`);
    }
    if (filters.has(identifier)) {
      throw new MongoError(ErrorCodes.FailedToParse, `Found multiple array filters with the same top-level field name ${identifier}`);
    }
    const query = new Query(filter, mingoOptions());
    filters.set(identifier, { test: (element) => query.test({ [identifier]: element }), used: false });
  }
  return filters;
}

function validatePath(path, operator) {
  if (path.length === 0) {
    throw new MongoError(ErrorCodes.EmptyFieldName, "An empty update path is not valid.");
  }
  const components = path.split('.');
  if (components.some((part) => part.length === 0)) {
    throw new MongoError(ErrorCodes.EmptyFieldName, `The update path '${path}' contains an empty field name, which is not allowed.`);
  }
  let positionalDollars = 0;
  for (const part of components) {
    if (part === '$') positionalDollars += 1;
    if (part.startsWith('$') && !isPositional(part)) {
      throw new MongoError(ErrorCodes.DollarPrefixedFieldName, `The dollar ($) prefixed field '${part}' in '${path}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`);
    }
  }
  if (components[0] !== undefined && isPositional(components[0])) {
    throw new MongoError(ErrorCodes.BadValue, `Cannot have array filter identifier (i.e. '$[<id>]') element in the first position in path '${path}'`);
  }
  if (positionalDollars > 1) {
    throw new MongoError(ErrorCodes.BadValue, `Too many positional (i.e. '$') elements found in path '${path}'`);
  }
  if (operator === '$rename' && components.some(isPositional)) {
    throw new MongoError(ErrorCodes.BadValue, `The source field for $rename may not be dynamic: ${path}`);
  }
  return components;
}

function conflict(path, at) {
  return new MongoError(ErrorCodes.ConflictingUpdateOperators, `Updating the path '${path}' would create a conflict at '${at}'`);
}

function insertLeaf(root, components, leaf, arrayFilters) {
  let node = root;
  for (let i = 0; i < components.length; i++) {
    const part = components[i];
    if (part.startsWith('$[') && part !== '$[]') {
      const identifier = part.slice(2, -1);
      const filter = arrayFilters.get(identifier);
      if (!filter) {
        throw new MongoError(ErrorCodes.BadValue, `No array filter found for identifier '${identifier}' in path '${leaf.path}'`);
      }
      filter.used = true;
    }
    const at = components.slice(0, i + 1).join('.');
    const isLast = i === components.length - 1;
    const existing = node.children.get(part);
    if (isLast) {
      if (existing) throw conflict(leaf.path, at);
      node.children.set(part, leaf);
    } else {
      if (existing instanceof Leaf) throw conflict(leaf.path, at);
      let child = existing;
      if (!child) {
        child = new ObjectNode();
        node.children.set(part, child);
      }
      if (leaf.creates) child.creates = true;
      node = child;
    }
  }
  if (leaf.creates) root.creates = true;
}

function operandTypeError(operator, operand) {
  return new MongoError(
    ErrorCodes.FailedToParse,
    `Modifiers operate on fields but we found type ${bsonTypeName(operand)} instead. For example: {$mod: {<field>: ...}} not {${operator}: ${renderValue(operand)}}`,
  );
}

/**
 * @param {object} update the update-operator document
 * @param {Map} arrayFilters from parseArrayFilters
 * @returns {ObjectNode}
 */
export function buildUpdateTree(update, arrayFilters) {
  const root = new ObjectNode();
  for (const [operator, operand] of Object.entries(update)) {
    if (!UPDATE_OPERATORS.has(operator)) {
      throw new MongoError(ErrorCodes.FailedToParse, `Unknown modifier: ${operator}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    if (!isPlainObject(operand)) throw operandTypeError(operator, operand);
    for (const [path, argument] of Object.entries(operand)) {
      const components = validatePath(path, operator);
      if (operator !== '$rename') {
        insertLeaf(root, components, new Leaf(operator, argument, path), arrayFilters);
        continue;
      }
      if (typeof argument !== 'string') {
        throw new MongoError(ErrorCodes.BadValue, `The 'to' field for $rename must be a string: ${path}: ${renderValue(argument)}`);
      }
      const targetComponents = validatePath(argument, operator);
      if (argument === path) {
        throw new MongoError(ErrorCodes.BadValue, `The source and target field for $rename must differ: ${path}: ${JSON.stringify(argument)}`);
      }
      if (argument.startsWith(`${path}.`) || path.startsWith(`${argument}.`)) {
        throw new MongoError(ErrorCodes.BadValue, `The source and target field for $rename must not be on the same path: ${path}: ${JSON.stringify(argument)}`);
      }
      insertLeaf(root, components, new Leaf('$renameFrom', argument, path), arrayFilters);
      insertLeaf(root, targetComponents, new Leaf('$renameTo', path, argument), arrayFilters);
    }
  }
  for (const [identifier, filter] of arrayFilters) {
    if (!filter.used) {
      throw new MongoError(ErrorCodes.FailedToParse, `The array filter for identifier '${identifier}' was not used in the update ${renderDocument(update)}`);
    }
  }
  return root;
}
