// The rule is plain JavaScript (ESLint loads it as is); this gives its spec the rule's type.
import type { Rule } from 'eslint';

declare const rule: Rule.RuleModule;
export default rule;
