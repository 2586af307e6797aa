import { findToolCallRow, listToolCallRows, type ToolCallFilter } from '../db/tool-call-store.js';
import { toToolCallView } from '../tools/tool-call-view.js';
import { resolve } from 'node:path';
import type { MikroORM } from '../db/orm-types.js';
import { SystemClock, type Clock } from '../clock.js';
import { openDatabase } from '../db/orm.js';
import { resolveDataDir } from '../db/data-dir.js';
import { DocumentSystem } from '../documents/document-system.js';
import { InMemoryEventBus, type EventBus } from '../events/event-bus.js';
import { listEvents } from '../db/event-store.js';
import { streamEvents } from '../events/event-stream.js';
import { consoleLogger, type EngineResources, type Logger } from '../resources.js';
import { RuntimeCatalog } from '../runtimes/catalog.js';
import { SimulatedRuntime } from '../runtimes/simulated.js';
import { SecretBox } from '../settings/secret-box.js';
import { SettingsSystem } from '../settings/settings-system.js';
import { SecretValues } from '../settings/secret-values.js';
import { WorkflowSystem } from '../workflows/workflow-system.js';
import { TaskRunner } from '../tasks/task-runner.js';
import { StepRunner } from '../workflows/step-runner.js';
import { RunExecutor } from '../workflows/run-executor.js';
import { RunReader } from './engine-runs.js';
import { WorkflowReader } from './engine-workflows.js';
import { RunControl } from './run-control.js';
import { EngineIntelligence } from './engine-intelligence.js';
import { newOwnerId } from '../workflows/leases.js';
import { InstanceRegistry, type InstanceRole } from '../instances/instance-registry.js';
import { openRunQueue, startQueueWorker, type ScaleOutOptions } from './scale-out.js';
import { waitElsewhere } from './run-waiting.js';
import type { RunQueueWorker } from '../db/run-queue.js';
import { createDefaultCatalog } from '../runtimes/default-catalog.js';
import { ScheduleSystem } from '../schedules/schedule-system.js';
import { EngineScheduleExecutor } from '../schedules/engine-schedule-executor.js';
import { ScheduledTaskRunner } from '../schedules/scheduled-task-runner.js';
import { grantedMcpTools } from '../tools/step-tools.js';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_MAX_RESULT_CHARS } from '../tools/mcp/index.js';
import { McpServers } from '../tools/mcp-servers.js';
import type { McpServerInput, McpServerView } from '../tools/mcp-server-registry.js';
import { AgentProfileSystem } from '../profiles/agent-profile-system.js';
import type { AgentProfileInput } from '../profiles/agent-profile.js';
import type { CreateScheduleInput } from '../schedules/schedule-types.js';
import type { WorkflowDefinitionInput } from '../workflows/definition.js';
import type { EngineApi, RunListOptions } from './engine-api.js';
import type { SuggestionAction } from '../intelligence/intelligence-types.js';
import type { RetryPolicy } from '../runtimes/retry-policy.js';
import { NotApplicableError, NotFoundError } from '../errors.js';
import { AssistantSystem } from '../assistant/assistant-system.js';
import type { AssistantToolset } from '../assistant/assistant-answer.js';
import type { WorkflowStatus } from '../workflows/workflow-state.js';
import type { EngineTelemetry } from '../observability/telemetry.js';

/** Options for {@link Engine.open}. */
export interface EngineOptions {
  /** Data directory (default {@link resolveDataDir}: `STAGENT_DATA_DIR`, else `~/.stagent`), or `:memory:`: the SQLite file and the secret key file. */
  dataDir?: string;
  /** `postgres://…`: the rows live in PostgreSQL instead of the SQLite file (`STAGENT_DATABASE_URL`). */
  databaseUrl?: string;
  clock?: Clock;
  logger?: Logger;
  bus?: EventBus;
  /** Builds the runtime catalog; default: every runtime (see runtimes/default-catalog.ts). */
  catalog?: (deps: { clock: Clock; settings: SettingsSystem; simulated: SimulatedRuntime }) => RuntimeCatalog;
  /** Environment for provider base URLs and key fallbacks (`ANTHROPIC_BASE_URL`, `OPENAI_BASE_URL`...); default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Overrides of the provider retry policy (tests shorten the waits). */
  retry?: Partial<RetryPolicy>;
  /** Delay per streamed chunk of the simulator, ms (demo: visible streaming; tests: 0). */
  simulatedLatencyMs?: number;
  /** Receives every SQL statement (query-count tests). */
  onQuery?: (sql: string) => void;
  /** Start timers (heartbeats, delay resumption, scheduler). Default true; tests drive them by hand. */
  timers?: boolean;
  /**
   * Keep list reads (workflow pages, runs of workflows) while the database is unchanged (see
   * `db/read-cache.ts`). Default true; off, every list reads SQLite (benchmarks compare both).
   */
  readCache?: boolean;
  version?: string;
  /** Receives model calls, tool calls, step attempts and runs for traces and metrics (the API wires OpenTelemetry and Prometheus). */
  telemetry?: EngineTelemetry;
  /** What this process does (STAGENT_ROLE): `all` (default), `api` or `worker`; registered with the instance (`listInstances`). */
  role?: InstanceRole;
  /**
   * Several instances on one PostgreSQL: claims enqueue their runs on the run queue, and unless
   * `role` is `api` this instance takes runs from it, takes over runs of dead instances and fires
   * schedules. Refused on SQLite.
   */
  scaleOut?: ScaleOutOptions;
}

/**
 * The engine facade: the only entry point for the GraphQL schema and the CLI. It wires the
 * systems together and delegates; it holds no logic of its own.
 */
export class Engine implements EngineApi {
  readonly simulated: SimulatedRuntime;
  readonly settings: SettingsSystem;
  readonly workflows: WorkflowSystem;
  readonly documents: DocumentSystem;
  readonly runs: RunReader;
  private readonly workflowLists: WorkflowReader;
  readonly control: RunControl;
  readonly intelligence: EngineIntelligence;
  readonly executor: RunExecutor;
  readonly schedules: ScheduleSystem;
  /** MCP servers (agent tools): their stored configuration (env / headers sealed) and live connections. */
  readonly mcpServers: McpServers;
  /** Agent profiles: the built-in presets and the user's own, named by workflow steps. */
  readonly profiles: AgentProfileSystem;
  /** This process's row in `instances`: registered on start, heartbeated with the timers, deleted on close. */
  readonly instances: InstanceRegistry;
  /** The Stagent assistant: conversations whose tools are the caller's GraphQL operations. */
  readonly assistant: AssistantSystem;

  private constructor(
    readonly resources: EngineResources,
    private readonly options: EngineOptions,
  ) {
    this.simulated = new SimulatedRuntime(resources.clock, { latencyMs: options.simulatedLatencyMs ?? 0 });
    this.settings = new SettingsSystem(resources);
    resources.catalog = options.catalog
      ? options.catalog({ clock: resources.clock, settings: this.settings, simulated: this.simulated })
      : createDefaultCatalog({
          clock: resources.clock,
          getSetting: (key) => this.settings.get(key),
          simulated: this.simulated,
          env: options.env,
          retry: options.retry,
        });
    this.mcpServers = new McpServers(resources, { env: options.env });
    const tasks = new TaskRunner(resources, this.settings, new SecretValues(this.settings, options.env, () => this.mcpServers.secretValues()));
    const runner = new StepRunner(resources, tasks, {
      granted: async (layers) =>
        grantedMcpTools(resources, this.mcpServers, layers, async () => ({
          timeoutMs: (await this.settings.get<number>('tools.callTimeoutMs')) ?? DEFAULT_CALL_TIMEOUT_MS,
          maxResultChars: (await this.settings.get<number>('tools.maxResultChars')) ?? DEFAULT_MAX_RESULT_CHARS,
        })),
    });
    this.documents = new DocumentSystem(resources);
    const defaultRuntimeId = async () => runner.resolveRuntimeId({}, {});
    this.profiles = new AgentProfileSystem(resources, { defaultRuntimeId, mcpTools: this.mcpServers });
    this.workflows = new WorkflowSystem(resources, defaultRuntimeId, this.mcpServers, this.profiles);
    this.runs = new RunReader(resources, { readCache: options.readCache });
    this.workflowLists = new WorkflowReader(resources, { readCache: options.readCache });
    this.intelligence = new EngineIntelligence(resources, this.workflows, this.runs, this.documents);
    this.executor = new RunExecutor(
      resources,
      runner,
      this.documents,
      this.workflows,
      (info) => this.intelligence.recordRun(info),
      (d) => this.intelligence.expectedDurations(d),
    );
    this.control = new RunControl(resources, runner, this.executor, this.workflows, this.documents, this.intelligence, this.runs, this.settings);
    const scheduledTasks = new ScheduledTaskRunner(tasks);
    this.schedules = new ScheduleSystem(resources, new EngineScheduleExecutor(this, (input) => scheduledTasks.run(input)));
    this.instances = new InstanceRegistry(resources, options.role ?? 'all', () => runner.running);
    this.assistant = new AssistantSystem(resources, tasks, this.settings);
  }

  /** Opens (and migrates) the database and builds the engine. Call {@link Engine.start} to recover and run timers. */
  static async open(options: EngineOptions = {}): Promise<Engine> {
    const dataDir = options.dataDir ?? resolveDataDir();
    const orm: MikroORM = await openDatabase({ dataDir, databaseUrl: options.databaseUrl, onQuery: options.onQuery });
    const resources: EngineResources = {
      orm,
      clock: options.clock ?? new SystemClock(),
      bus: options.bus ?? new InMemoryEventBus(),
      secrets: SecretBox.forDataDir(dataDir === ':memory:' ? ':memory:' : resolve(dataDir)),
      logger: options.logger ?? consoleLogger,
      catalog: new RuntimeCatalog(),
      ownerId: newOwnerId(),
      info: { dataDir, version: options.version ?? '0.1.0' },
      telemetry: options.telemetry,
    };
    try {
      if (options.scaleOut) await openRunQueue(resources, options.databaseUrl);
    } catch (error) {
      await orm.close(true);
      throw error;
    }
    const engine = new Engine(resources, options);
    engine.timersEnabled = options.timers ?? true;
    return engine;
  }

  private timersEnabled = true;
  private queueWorker: RunQueueWorker | null = null;

  /** Whether this instance drives runs (every role but `api`). */
  private get drivesRuns(): boolean {
    return this.options.role !== 'api';
  }

  /** Recovery sweep for runs whose process died, registration of this instance, then heartbeats and delay timers. */
  async start(): Promise<void> {
    if (this.drivesRuns) await this.control.recover();
    if (!this.options.scaleOut) await this.assistant.failInterrupted();
    await this.instances.register();
    await this.mcpServers.sync();
    const retentionDays = () => this.settings.get<number>('journal.retentionDays');
    await this.control.pruneJournals((await retentionDays()) ?? 14);
    if (this.options.scaleOut && this.drivesRuns)
      this.queueWorker = await startQueueWorker(this.resources, this.options.databaseUrl!, this.options.scaleOut, (job) => this.control.driveQueued(job));
    if (this.timersEnabled) {
      this.control.startTimers(retentionDays, { recover: this.drivesRuns });
      this.instances.startTimer();
      if (this.drivesRuns) this.schedules.start();
    }
  }

  /** Stops timers, aborts live executions (their leases lapse for the next process), unregisters the instance and closes the database. */
  async close(): Promise<void> {
    await this.schedules.stop({ abortRunning: true });
    // The queue worker stops taking jobs and waits for its drives, which the shutdown aborts.
    await Promise.all([this.queueWorker?.stop(), this.control.shutdown(), this.assistant.stop()]);
    await this.instances.close();
    await this.mcpServers.close();
    await this.resources.orm.close(true);
  }

  listInstances() {
    return this.instances.list();
  }

  listWorkflows(filter?: { status?: WorkflowStatus | null; first?: number | null; after?: string | null }) {
    return this.workflowLists.list(filter);
  }
  getWorkflow(id: string) {
    return this.workflows.get(id);
  }
  getWorkflows(ids: readonly string[]) {
    return this.workflows.getMany(ids);
  }
  createWorkflow(input: WorkflowDefinitionInput) {
    return this.workflows.create(input);
  }
  updateWorkflow(id: string, input: WorkflowDefinitionInput) {
    return this.workflows.update(id, input);
  }
  deleteWorkflow(id: string) {
    return this.workflows.delete(id);
  }
  executeWorkflow(id: string) {
    return this.control.execute(id);
  }
  retryWorkflowStep(workflowId: string, stepId: string) {
    return this.control.retryStep(workflowId, stepId);
  }
  async resumeWorkflowStep(workflowId: string, stepId: string, budgetUsd?: number | null) {
    return this.control.resumeStep(workflowId, stepId, budgetUsd, await this.settings.get<number>('budget.maxDailyCostUsd'));
  }
  cancelWorkflow(id: string) {
    return this.control.cancel(id);
  }
  resolveCheckpoint(workflowId: string, stepId: string, approved: boolean, comment?: string | null) {
    return this.control.resolveCheckpoint(workflowId, stepId, approved, comment ?? null);
  }

  /** Resumes every delay-parked run whose time has come (the timer calls this; tests too). */
  resumeDueDelays() {
    return this.control.resumeDueDelays();
  }

  async listRuns(workflowId: string, first = 20) {
    return (await this.runs.forWorkflows([workflowId], first)).get(workflowId) ?? [];
  }
  listRunsForWorkflows(workflowIds: readonly string[], first?: number, options?: RunListOptions) {
    return this.runs.forWorkflows(workflowIds, first, options);
  }
  getRun(runId: string) {
    return this.runs.get(runId);
  }
  /** Resolves once the run is no longer RUNNING: finished, parked, or (driven by another instance) seen so through its events. */
  async waitForRun(runId: string) {
    await this.executor.settled(runId);
    const run = await this.runs.get(runId);
    if (!run) throw new NotFoundError('Run', runId, ['runId']);
    if (run.status !== 'RUNNING' || !this.resources.runQueue) return run;
    return waitElsewhere(this.resources.bus, run.workflowId, runId, () => this.runs.get(runId).then((r) => r!));
  }

  estimateWorkflowCost(input: WorkflowDefinitionInput) {
    return this.control.estimateInput(input);
  }
  estimateStoredWorkflow(workflowId: string) {
    return this.control.estimateStored(workflowId);
  }
  estimateStoredWorkflows(workflowIds: readonly string[]) {
    return this.control.estimateMany(workflowIds);
  }

  listEvents(workflowId: string, options?: { afterSeq?: number; runId?: string }) {
    return listEvents(this.resources, workflowId, options);
  }
  subscribe(workflowId: string, afterSeq?: number | null) {
    return streamEvents(this.resources, workflowId, afterSeq ?? 0);
  }

  listRuntimes() {
    return this.resources.catalog.describeAll();
  }
  listSettings() {
    return this.settings.list();
  }
  updateSettings(changes: { key: string; value: unknown }[]) {
    return this.settings.update(changes);
  }

  listDocuments() {
    return this.documents.list();
  }
  getDocuments(ids: readonly string[]) {
    return this.documents.getMany(ids);
  }
  createDocument(input: { name: string; mimeType: string; content: string }) {
    return this.documents.create(input);
  }
  getDocumentContent(id: string) {
    return this.documents.content(id);
  }
  deleteDocument(id: string) {
    return this.documents.delete(id);
  }

  listMcpServers() {
    return this.mcpServers.list();
  }
  mcpServerState(server: McpServerView) {
    return this.mcpServers.state(server);
  }
  createMcpServer(input: McpServerInput) {
    return this.mcpServers.create(input);
  }
  updateMcpServer(id: string, input: McpServerInput) {
    return this.mcpServers.update(id, input);
  }
  deleteMcpServer(id: string) {
    return this.mcpServers.delete(id);
  }
  listAgentProfiles() {
    return this.profiles.list();
  }
  getAgentProfile(id: string) {
    return this.profiles.get(id);
  }
  createAgentProfile(input: AgentProfileInput) {
    return this.profiles.create(input);
  }
  updateAgentProfile(id: string, input: AgentProfileInput) {
    return this.profiles.update(id, input);
  }
  deleteAgentProfile(id: string) {
    return this.profiles.delete(id);
  }
  async listToolCalls(filter: ToolCallFilter) {
    return (await listToolCallRows(this.resources, filter)).map(toToolCallView);
  }
  /** An assistant's call goes on with the caller's tools (`assistantTools`), which only the API can give. */
  async resolveToolCall(id: string, approved: boolean, comment?: string | null, assistantTools?: AssistantToolset) {
    if (!assistantTools && (await findToolCallRow(this.resources, id))?.conversationId)
      throw new NotApplicableError("An assistant's tool call is decided through the GraphQL API (resolveToolCall), which goes on with its tools.", ['id']);
    const call = await this.control.resolveToolCall(id, approved, comment ?? null, (name) => this.mcpServers.fingerprintOf(name));
    if (call.conversationId && assistantTools) await this.assistant.afterDecision(call, assistantTools);
    return call;
  }

  debugAnalysis(workflowId: string, runId?: string | null) {
    return this.intelligence.debugAnalysis(workflowId, runId ?? null);
  }
  optimizeWorkflow(input: WorkflowDefinitionInput, workflowId?: string | null) {
    return this.intelligence.optimize(input, workflowId ?? null, (i) => this.control.estimateInput(i));
  }
  applySuggestion(workflowId: string, action: SuggestionAction) {
    return this.control.applySuggestion(workflowId, action);
  }
  executionStats() {
    return this.intelligence.executionStats();
  }

  listSchedules() {
    return this.schedules.list();
  }
  parseSchedule(expression: string, timezone?: string | null) {
    return this.schedules.parse(expression, timezone ?? null);
  }
  createSchedule(input: CreateScheduleInput) {
    return this.schedules.create(input);
  }
  setScheduleActive(id: string, active: boolean) {
    return this.schedules.setActive(id, active);
  }
  deleteSchedule(id: string) {
    return this.schedules.delete(id);
  }
}
