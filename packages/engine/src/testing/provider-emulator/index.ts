/**
 * The provider emulator: a loopback server speaking the Anthropic, OpenAI (Chat Completions and
 * Responses) and Ollama wire formats from scripted scenarios, plus the recording hooks adapter tests use.
 */
export { ProviderEmulator, startProviderEmulator, type RecordedRequest, type ScriptedResponder } from './server.js';
export { EmulatedProvider, scripted, splitText, usageOf, type ScriptedResponse, type ScriptedToolCall, type ScriptedUsage } from './scenario.js';
export { recordingHooks, type RecordedHooks } from './recording-hooks.js';
export { describeAdapterConformance, type AdapterConformanceSpec } from './adapter-conformance.js';
