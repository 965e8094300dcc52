// Builds the TextMate grammar of `*.design.yaml` from the DSL's schema, so that the keys,
// enum values and references it highlights are the ones the engine knows: a key added to
// schema.ts is highlighted after `node out/client/src/build/generate.js`, and the grammar
// test fails until then.
//
// The grammar is a self-contained, line-oriented YAML grammar (comments, block and flow
// collections, scalars, block scalars, anchors, aliases, tags) with the DSL on top of it:
// known keys, enum values in the context of their key, durations, percentages,
// `service.operation` references, requirement/channel/data references, rule ids and
// `# review-ignore RULE: reason` comments. Generic YAML parts use the `.yaml` scope suffix
// that themes and the built-in YAML grammar use; the DSL's own parts `.distributed-design`.
import { CHECKLIST_STATE_VALUES, RETRY_SYMBOLS, SCHEMA, ValueType } from '../../../server/src/engine/schema';
import { AREAS } from '../../../server/src/engine/types';

export const SCOPE = 'source.distributed-design';
const L = 'distributed-design';

type Pattern = Record<string, unknown>;

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/** Longest first, so that an alternation never stops at a prefix (`exponential` of `exponential-jitter`). */
function alt(words: Iterable<string>): string {
  return [...new Set(words)]
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
    .map(esc)
    .join('|');
}

/** What the schema says about every key name, across all object kinds. */
export interface KeyFacts {
  keys: string[];
  enums: Map<string, string[]>;
  /** Concern areas, as keys of `review.checklist`, and the states they take. */
  checklist: Map<string, string[]>;
  refs: Map<string, 'operation' | 'requirement' | 'channel' | 'data' | 'rule' | 'other'>;
  refLists: Map<string, 'requirement' | 'channel' | 'data' | 'other'>;
}

export function keyFacts(): KeyFacts {
  const keys = new Set<string>();
  const enums = new Map<string, string[]>();
  const refs: KeyFacts['refs'] = new Map();
  const refLists: KeyFacts['refLists'] = new Map();
  const addEnum = (key: string, values: string[]) => enums.set(key, [...new Set([...(enums.get(key) ?? []), ...values])]);
  const refKind = (t: ValueType) => (t.t === 'ref' ? (['operation', 'requirement', 'channel', 'data', 'rule'].includes(t.ref) ? t.ref : 'other') : undefined);
  for (const spec of Object.values(SCHEMA)) {
    for (const k of spec.keys) {
      keys.add(k.key);
      if (k.type.t === 'enum') {
        addEnum(k.key, k.type.values.map((v) => v.value));
      } else if (k.type.t === 'attempts') {
        addEnum(k.key, ['unlimited']);
      } else if (k.type.t === 'ref') {
        refs.set(k.key, refKind(k.type) as 'operation');
      } else if (k.type.t === 'list' && k.type.of.t === 'ref') {
        const r = refKind(k.type.of);
        refLists.set(k.key, r === 'operation' || r === 'rule' ? 'other' : (r as 'requirement'));
      }
    }
  }
  // `review.checklist` maps each concern area to a state.
  const checklist = new Map<string, string[]>();
  const states = SCHEMA.review.keys.find((k) => k.type.t === 'checklist') ? CHECKLIST_STATE_VALUES.map((v) => v.value) : [];
  for (const area of AREAS) {
    keys.add(area);
    checklist.set(area, states);
  }
  return { keys: [...keys].sort(), enums, checklist, refs, refLists };
}

// Where a scalar ends: in block context at a comment or the end of the line; in flow
// context also at `,`, `]` or `}`.
const END_B = '(?=[ \\t]+#|[ \\t]*$)';
const END_F = '(?=[ \\t]*[,\\]}]|[ \\t]+#|[ \\t]*$)';
/** Where a key of a flow mapping starts: after `{`, `,`, a space, or at the start of a continued line. */
const FLOW_LEAD = '(?:^|(?<=[{,\\s]))';
/** Leading indentation and `- ` sequence dashes of a block line. */
const LEAD = '^([ \\t]*)((?:-[ \\t]+)*)';
const LEAD_CAPTURES = {
  2: { patterns: [{ match: '-', name: 'punctuation.definition.block.sequence.item.yaml' }] },
};
const KEY_SCOPE = `support.type.property-name.${L}`;
const OTHER_KEY_SCOPE = 'entity.name.tag.yaml';
const COLON = 'punctuation.separator.key-value.mapping.yaml';

function enumScope(key: string): string {
  return `constant.language.enum.${key.replace(/_/g, '-')}.${L}`;
}
const CHECKLIST_SCOPE = `constant.language.enum.checklist-state.${L}`;

export function buildGrammar(facts: KeyFacts = keyFacts()): Record<string, unknown> {
  const known = alt(facts.keys);
  const otherKeyB = `[^\\s#,\\[\\]{}"'&*!|>%@\`:-][^#,\\[\\]{}:]*?|-[^\\s#,\\[\\]{}:][^#,\\[\\]{}:]*?`;
  const otherKeyF = `[^\\s#,\\[\\]{}"'&*!|>%@\`:][^#,\\[\\]{}:]*?`;
  // Key alternatives: a known key (only as a whole key, not a prefix of a longer one) or any other.
  const keyB = `(?:(${known})(?=[ \\t]*:(?:[ \\t]|$))|(${otherKeyB}))[ \\t]*(:)(?=[ \\t]|$)`;
  const keyF = `(?:(${known})(?=[ \\t]*:(?:[ \\t]|$|[,\\]}]))|(${otherKeyF}))[ \\t]*(:)(?=[ \\t]|$|[,\\]}])`;

  const repository: Record<string, Pattern> = {};
  const blockSpecific: Pattern[] = [];
  const flowSpecific: Pattern[] = [];

  // Enum values, in the context of their key; checklist states after a concern area.
  const enumRules: Array<[string, string[], string]> = [
    ...[...facts.enums].sort().map(([key, values]): [string, string[], string] => [key, values, enumScope(key)]),
    ...[...facts.checklist].sort().map(([key, values]): [string, string[], string] => [key, values, CHECKLIST_SCOPE]),
  ];
  for (const [key, values, scope] of enumRules) {
    const v = alt(values);
    blockSpecific.push({
      match: `${LEAD}(${esc(key)})[ \\t]*(:)[ \\t]+(${v})${END_B}`,
      captures: { ...LEAD_CAPTURES, 3: { name: KEY_SCOPE }, 4: { name: COLON }, 5: { name: scope } },
    });
    flowSpecific.push({
      match: `${FLOW_LEAD}(${esc(key)})[ \\t]*(:)[ \\t]+(${v})${END_F}`,
      captures: { 1: { name: KEY_SCOPE }, 2: { name: COLON }, 3: { name: scope } },
    });
  }

  // Single references: `service.operation`, a requirement id, a rule id.
  const opRefCaptures = (base: number) => ({
    [base]: { name: `entity.name.type.service.${L}` },
    [base + 1]: { name: `punctuation.accessor.${L}` },
    [base + 2]: { name: `entity.name.function.operation.${L}` },
  });
  const opKeys = [...facts.refs].filter(([, k]) => k === 'operation').map(([key]) => key);
  if (opKeys.length) {
    const ref = '([A-Za-z0-9][\\w-]*)(\\.)([A-Za-z0-9][\\w-]*)';
    blockSpecific.push({
      match: `${LEAD}(${alt(opKeys)})[ \\t]*(:)[ \\t]+${ref}${END_B}`,
      captures: { ...LEAD_CAPTURES, 3: { name: KEY_SCOPE }, 4: { name: COLON }, ...opRefCaptures(5) },
    });
    flowSpecific.push({
      match: `${FLOW_LEAD}(${alt(opKeys)})[ \\t]*(:)[ \\t]+${ref}${END_F}`,
      captures: { 1: { name: KEY_SCOPE }, 2: { name: COLON }, ...opRefCaptures(3) },
    });
  }
  const single: Array<[string[], string, string]> = [
    // The name a list item declares (a service, an operation, a channel, a requirement ...).
    [['name', 'id'], '[^\\s#,\\[\\]{}"\'&*!|>%@`][^\\s#,\\[\\]{}]*', `entity.name.definition.${L}`],
    [[...facts.refs].filter(([, k]) => k === 'rule').map(([key]) => key), '[A-Za-z]{3}\\d{3}', `constant.other.rule-id.${L}`],
    [[...facts.refs].filter(([, k]) => k === 'requirement').map(([key]) => key), '[^\\s#,\\[\\]{}"\']+', `variable.other.reference.requirement.${L}`],
  ];
  for (const [keys, value, scope] of single) {
    if (!keys.length) {
      continue;
    }
    blockSpecific.push({
      match: `${LEAD}(${alt(keys)})[ \\t]*(:)[ \\t]+(${value})${END_B}`,
      captures: { ...LEAD_CAPTURES, 3: { name: KEY_SCOPE }, 4: { name: COLON }, 5: { name: scope } },
    });
    flowSpecific.push({
      match: `${FLOW_LEAD}(${alt(keys)})[ \\t]*(:)[ \\t]+(${value})${END_F}`,
      captures: { 1: { name: KEY_SCOPE }, 2: { name: COLON }, 3: { name: scope } },
    });
  }

  // Flow lists of references (`requirements: [R1, R3]`) and of retry conditions.
  const listKinds: Array<[string[], Pattern[]]> = [];
  for (const kind of ['requirement', 'channel', 'data'] as const) {
    const keys = [...facts.refLists].filter(([, k]) => k === kind).map(([key]) => key);
    if (keys.length) {
      listKinds.push([keys, [{ match: `[^\\s#,\\[\\]{}"']+${END_F}`, name: `variable.other.reference.${kind}.${L}` }]]);
    }
  }
  listKinds.push([
    ['retry_on'],
    [
      { match: `(?:${alt(Object.keys(RETRY_SYMBOLS))})${END_F}`, name: `constant.language.retry-condition.${L}` },
      { match: `\\d{3}${END_F}`, name: `constant.numeric.integer.http-status.${L}` },
    ],
  ]);
  for (const [keys, items] of listKinds) {
    const patterns = [{ include: '#comment' }, { match: ',', name: 'punctuation.separator.sequence.yaml' }, ...items, { include: '#flow-value' }];
    const end = { end: '\\]', endCaptures: { 0: { name: 'punctuation.definition.sequence.end.yaml' } } };
    blockSpecific.push({
      begin: `${LEAD}(${alt(keys)})[ \\t]*(:)[ \\t]*(\\[)`,
      beginCaptures: { ...LEAD_CAPTURES, 3: { name: KEY_SCOPE }, 4: { name: COLON }, 5: { name: 'punctuation.definition.sequence.begin.yaml' } },
      ...end,
      name: 'meta.flow.sequence.yaml',
      patterns,
    });
    flowSpecific.push({
      begin: `${FLOW_LEAD}(${alt(keys)})[ \\t]*(:)[ \\t]*(\\[)`,
      beginCaptures: { 1: { name: KEY_SCOPE }, 2: { name: COLON }, 3: { name: 'punctuation.definition.sequence.begin.yaml' } },
      ...end,
      name: 'meta.flow.sequence.yaml',
      patterns,
    });
  }

  const keyCaptures = (base: number) => ({ [base]: { name: KEY_SCOPE }, [base + 1]: { name: OTHER_KEY_SCOPE }, [base + 2]: { name: COLON } });

  const scalars = (end: string, plain: string): Pattern[] => [
    { include: '#quoted' },
    { match: `(&)[^\\s,\\[\\]{}]+`, name: 'entity.name.type.anchor.yaml', captures: { 1: { name: 'punctuation.definition.anchor.yaml' } } },
    { match: `(\\*)[^\\s,\\[\\]{}]+`, name: 'variable.other.alias.yaml', captures: { 1: { name: 'punctuation.definition.alias.yaml' } } },
    { match: `!(?:<[^>]*>|[^\\s,\\[\\]{}]*)`, name: 'storage.type.tag-handle.yaml' },
    { match: `(?:true|false|True|False|TRUE|FALSE)${end}`, name: 'constant.language.boolean.yaml' },
    { match: `(?:null|Null|NULL|~)${end}`, name: 'constant.language.null.yaml' },
    { match: `\\d+(?:ms|s|m|h|d)${end}`, name: `constant.numeric.duration.${L}` },
    { match: `\\d+(?:\\.\\d+)?%${end}`, name: `constant.numeric.percentage.${L}` },
    { match: `[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?${end}`, name: 'constant.numeric.yaml' },
    { match: plain, name: 'string.unquoted.plain.yaml' },
  ];

  repository['comment'] = {
    patterns: [
      {
        // `# review-ignore RTY005, RTY006: the reason`
        match: `(?:^|(?<=[ \\t]))(#)[ \\t]*(review-ignore)\\b([^:]*)(?:(:)(.*))?$`,
        name: `comment.line.number-sign.review-ignore.${L}`,
        captures: {
          1: { name: 'punctuation.definition.comment.yaml' },
          2: { name: `keyword.other.review-ignore.${L}` },
          3: { patterns: [{ match: '\\b[A-Za-z]{3}\\d{3}\\b', name: `constant.other.rule-id.${L}` }] },
          4: { name: `punctuation.separator.reason.${L}` },
          5: { name: `string.unquoted.reason.${L}` },
        },
      },
      {
        match: `(?:^|(?<=[ \\t]))(#).*$`,
        name: 'comment.line.number-sign.yaml',
        captures: { 1: { name: 'punctuation.definition.comment.yaml' } },
      },
    ],
  };
  repository['quoted'] = {
    patterns: [
      {
        begin: '"',
        end: '"',
        name: 'string.quoted.double.yaml',
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.yaml' } },
        endCaptures: { 0: { name: 'punctuation.definition.string.end.yaml' } },
        patterns: [{ match: '\\\\(?:[0abtnvfre "/\\\\N_LP\\t]|x\\h{2}|u\\h{4}|U\\h{8})', name: 'constant.character.escape.yaml' }],
      },
      {
        begin: "'",
        end: "'(?!')",
        name: 'string.quoted.single.yaml',
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.yaml' } },
        endCaptures: { 0: { name: 'punctuation.definition.string.end.yaml' } },
        patterns: [{ match: "''", name: 'constant.character.escape.yaml' }],
      },
    ],
  };
  repository['flow-sequence'] = {
    begin: '\\[',
    end: '\\]',
    name: 'meta.flow.sequence.yaml',
    beginCaptures: { 0: { name: 'punctuation.definition.sequence.begin.yaml' } },
    endCaptures: { 0: { name: 'punctuation.definition.sequence.end.yaml' } },
    patterns: [{ include: '#flow-content' }],
  };
  repository['flow-mapping'] = {
    begin: '\\{',
    end: '\\}',
    name: 'meta.flow.mapping.yaml',
    beginCaptures: { 0: { name: 'punctuation.definition.mapping.begin.yaml' } },
    endCaptures: { 0: { name: 'punctuation.definition.mapping.end.yaml' } },
    patterns: [{ include: '#flow-content' }],
  };
  repository['flow-content'] = {
    patterns: [
      { include: '#comment' },
      ...flowSpecific,
      { match: keyF, captures: keyCaptures(1) },
      { match: ',', name: 'punctuation.separator.sequence.yaml' },
      { include: '#flow-value' },
    ],
  };
  repository['flow-value'] = {
    patterns: [
      { include: '#flow-sequence' },
      { include: '#flow-mapping' },
      ...scalars(END_F, `[^\\s#,\\[\\]{}"'](?:[ \\t]*(?:[^\\s#,\\[\\]{}]|(?<=\\S)#))*`),
    ],
  };
  repository['block-scalar'] = {
    // `text: |` and the lines indented under it. (A block scalar on a `- ` line ends at
    // the next line indented like the dash, a little early; designs rarely write one there.)
    begin: `${LEAD}${keyB}[ \\t]+([|>][-+1-9]*)${END_B}`,
    beginCaptures: { ...LEAD_CAPTURES, ...keyCaptures(3), 6: { name: 'keyword.control.flow.block-scalar.yaml' } },
    end: '^(?![ \\t]*$)(?!\\1[ \\t]+\\S)',
    contentName: 'string.unquoted.block.yaml',
    patterns: [
      { match: '\\G[ \\t]+(#.*)$', captures: { 1: { name: 'comment.line.number-sign.yaml' } } },
    ],
  };
  repository['block-value'] = {
    patterns: [
      { include: '#flow-sequence' },
      { include: '#flow-mapping' },
      ...scalars(END_B, `[^\\s#\\[\\]{},"'](?:[ \\t]*(?:[^\\s#]|(?<=\\S)#))*`),
    ],
  };

  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'Distributed Design',
    scopeName: SCOPE,
    comment: 'Generated from server/src/engine/schema.ts by client/src/build/grammar.ts: do not edit by hand; run `npm run build && node out/client/src/build/generate.js`.',
    patterns: [
      { include: '#comment' },
      { match: '^(?:---|\\.\\.\\.)(?=[ \\t]|$)', name: 'entity.other.document.yaml' },
      { match: '^%.*$', name: 'meta.directive.yaml' },
      { include: '#block-scalar' },
      ...blockSpecific,
      { match: `${LEAD}${keyB}`, captures: { ...LEAD_CAPTURES, ...keyCaptures(3) } },
      { match: '-(?=[ \\t]|$)', name: 'punctuation.definition.block.sequence.item.yaml' },
      { include: '#block-value' },
    ],
    repository,
  };
}
