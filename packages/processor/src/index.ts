// Public surface of @secmon/processor. Every name is exported explicitly (STYLE.md rule 4).

export type {
  AttributeValue,
  Attributes,
  Clock,
  EventTime,
  Evidence,
  HrTime,
  PrimitiveAttributeValue,
  SecurityEvent,
} from './types.js';

// Rules
export type {
  AttributeCondition,
  ConditionLiteral,
  MatchDefinition,
  ResponseDefinition,
  RuleDefinition,
  RuleType,
  StepDefinition,
  ThresholdDefinition,
} from './rules/RuleDefinition.js';
export type { Rule, RuleCondition, RuleMatch, RuleResponse, RuleStep } from './rules/Rule.js';
export type { RuleError } from './rules/RuleError.js';
export { formatRuleError } from './rules/RuleError.js';
export { defineRule } from './rules/defineRule.js';
export { parseRules } from './rules/parseRules.js';
export type { ParseRulesOptions, ParseRulesResult } from './rules/parseRules.js';
export { parseDuration } from './rules/duration.js';
export { DEFAULT_RULES, DEFAULT_RULES_SOURCE } from './rules/defaultRules.js';
export { DEFAULT_RULES_YAML } from './rules/defaultRulesYaml.js';

// Engine
export type { Alert, AlertRule } from './engine/Alert.js';
export { RuleEngine, DEFAULT_RULE_ENGINE_CONFIG } from './engine/RuleEngine.js';
export type { RuleEngineOptions, RuleEngineStats } from './engine/RuleEngine.js';

// State stores
export type { SharedDetection, StateStore, StateStoreBinding, StoreObservation } from './store/StateStore.js';
export { NoopStateStore } from './store/NoopStateStore.js';
export { InMemoryStateStore, toSharedDetection } from './store/InMemoryStateStore.js';
export type { InMemoryStateStoreOptions } from './store/InMemoryStateStore.js';

// Processor and alert publication
export { SecurityRulesProcessor } from './processor/SecurityRulesProcessor.js';
export type { SecurityRulesProcessorOptions } from './processor/SecurityRulesProcessor.js';
export { AlertPublisher, alertAttributes } from './processor/AlertPublisher.js';
export type { AlertPublisherOptions, AlertResponse } from './processor/AlertPublisher.js';

// Actions
export type { AlertAction } from './actions/AlertAction.js';
export { ActionDispatcher } from './actions/ActionDispatcher.js';
export type {
  ActionDispatcherOptions,
  ActionDispatcherStats,
  ActionFailure,
} from './actions/ActionDispatcher.js';
export { WebhookAction } from './actions/WebhookAction.js';
export type { WebhookActionOptions, WebhookPayload } from './actions/WebhookAction.js';
export { SlackAction, slackMessage } from './actions/SlackAction.js';
export type { SlackActionOptions } from './actions/SlackAction.js';
export { EmailAction, emailText } from './actions/EmailAction.js';
export type { EmailActionOptions, EmailSmtpOptions } from './actions/EmailAction.js';

// Responses
export { BlockList } from './responses/BlockList.js';
export type { BlockEntry, BlockKind, BlockListOptions } from './responses/BlockList.js';
export { blockListMiddleware } from './responses/blockListMiddleware.js';
export type {
  BlockListMiddlewareOptions,
  BlockListRequest,
  BlockListResponse,
} from './responses/blockListMiddleware.js';

// Errors
export { SecurityPluginError, SECURITY_PLUGIN_ERROR_CODES } from './errors/SecurityPluginError.js';
export type { SecurityPluginErrorCode } from './errors/SecurityPluginError.js';

export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
