/**
 * Public surface of the Graph API simulator. Import from here, not from the files behind it.
 */
export { createSimulator } from './simulator.js';
export type {
  ResetScope,
  Simulator,
  SimulatorOptions,
  SimulatorSnapshot,
  SimulatorStats,
  VerifyCallbackResult,
} from './simulator.js';
export { seedSandbox, SANDBOX_IDS } from './sandbox.js';
export type { SandboxSeed, SandboxSeedOptions, SandboxTemplate } from './sandbox.js';
export type { AppInput, PhoneNumberInput, PhoneNumberPatch, SetupInput, TemplateInput, TemplatePatch, TokenInput, TokenPatch, WabaInput } from './state-schemas.js';
export type { SimApp, SimPhoneNumber, SimTemplate, SimToken, SimWaba } from './state.js';
export type { Fault, FaultInput } from './faults.js';
export type { DeliveryOutcome, DeliveryOutcomeInput, FinalStatus } from './delivery-outcomes.js';
export type { Rule } from './rule-book.js';
export type { WebhookSettings, WebhookSettingsPatch } from './webhook-settings.js';
export type { WebhookDeliveryRecord, WebhookStats } from './webhook-dispatcher.js';
export type { PhoneNumberStats, ReceivedRequest, RequestFilter, RequestOutcome } from './recorder.js';
export type { AccountUpdateInput, InboundMessageInput, QualityUpdateInput, RawWebhookInput, TemplateStatusUpdateInput } from './events.js';
export { toMetaJson, signatureSha256 } from './meta-json.js';
