export { JsonTemplate, NO_MATCH } from './json-template.js';
export { compileJsonPath, MAX_EXPRESSION_LENGTH } from './json-path.js';
export type { JsonPath } from './json-path.js';
export { TEMPLATE_LIMITS, checkTemplateBounds, nestingDepth } from './bounds.js';
export { TemplateError } from './template-error.js';
export type { TemplateErrorReason } from './template-error.js';
export { pythonStr, pythonRepr } from './python-text.js';
export { quayJson } from './python-json.js';
